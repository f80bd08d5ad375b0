import { describe, expect, it } from "vitest";
import { SESSION_KEY, deleteSession, recordPageView } from "../../rum-sdk/src/session.ts";
import { MemoryStorage } from "./rum-memory-storage.ts";

const uuid = () => crypto.randomUUID();

describe("the tab's RUM session", () => {
  it("starts with a random UUID v4 and counts page views in order with the previous path", () => {
    const storage = new MemoryStorage();
    const first = recordPageView(storage, "/", uuid);
    expect(first.session.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(first.session.pages).toBe(1);
    expect(first.previousPath).toBeUndefined();
    const second = recordPageView(storage, "/pricing", uuid);
    expect(second.session.id).toBe(first.session.id);
    expect(second.session.pages).toBe(2);
    expect(second.previousPath).toBe("/");
  });

  it("replaces a corrupt entry with a fresh session", () => {
    const storage = new MemoryStorage();
    storage.setItem(SESSION_KEY, "garbage");
    const { session } = recordPageView(storage, "/", () => "00000000-0000-4000-8000-000000000000");
    expect(session).toEqual({ id: "00000000-0000-4000-8000-000000000000", pages: 1, lastPath: "/" });
  });

  it("is deleted on withdrawal, so the next consent starts a new session", () => {
    const storage = new MemoryStorage();
    const { session } = recordPageView(storage, "/", uuid);
    deleteSession(storage);
    expect(storage.getItem(SESSION_KEY)).toBeNull();
    expect(recordPageView(storage, "/", uuid).session.id).not.toBe(session.id);
  });
});
