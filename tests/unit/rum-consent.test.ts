import { describe, expect, it } from "vitest";
import {
  CONSENT_KEY,
  CONSENT_VERSION,
  clearConsent,
  mayMeasure,
  readConsent,
  saveConsent,
} from "../../rum-sdk/src/consent.ts";
import { MemoryStorage } from "./rum-memory-storage.ts";

describe("the stored consent choice", () => {
  it("is absent until the visitor chooses, and reading it writes nothing", () => {
    const storage = new MemoryStorage();
    expect(readConsent(storage)).toBeNull();
    expect(storage.writes).toEqual([]);
  });

  it("is saved under sightline-cookie-consent with its version, date and choice", () => {
    const storage = new MemoryStorage();
    saveConsent(storage, "accepted", new Date("2026-11-23T10:00:00Z"));
    expect(JSON.parse(storage.getItem(CONSENT_KEY)!)).toEqual({
      version: CONSENT_VERSION,
      date: "2026-11-23T10:00:00.000Z",
      choice: "accepted",
    });
    expect(readConsent(storage)).toBe("accepted");
    expect(storage.writes).toEqual([`set ${CONSENT_KEY}`]);
  });

  it("counts a choice made for an older version of the policy as no choice", () => {
    const storage = new MemoryStorage();
    storage.setItem(
      CONSENT_KEY,
      JSON.stringify({ version: CONSENT_VERSION - 1, date: "x", choice: "accepted" }),
    );
    expect(readConsent(storage)).toBeNull();
  });

  it("counts a corrupt or unknown value as no choice", () => {
    const storage = new MemoryStorage();
    storage.setItem(CONSENT_KEY, "{not json");
    expect(readConsent(storage)).toBeNull();
    storage.setItem(CONSENT_KEY, JSON.stringify({ version: CONSENT_VERSION, choice: "maybe" }));
    expect(readConsent(storage)).toBeNull();
  });

  it("is forgotten by Cookie settings", () => {
    const storage = new MemoryStorage();
    saveConsent(storage, "rejected", new Date());
    clearConsent(storage);
    expect(readConsent(storage)).toBeNull();
  });
});

describe("whether a page may be measured", () => {
  it("on public pages: only after Accept all — silence means refusal", () => {
    expect(mayMeasure(null, false, false)).toBe(false);
    expect(mayMeasure("rejected", false, false)).toBe(false);
    expect(mayMeasure("accepted", false, false)).toBe(true);
  });

  it("on dashboard pages: by default (covered by the terms) unless the visitor rejected analytics", () => {
    expect(mayMeasure(null, true, false)).toBe(true);
    expect(mayMeasure("accepted", true, false)).toBe(true);
    expect(mayMeasure("rejected", true, false)).toBe(false);
  });

  it("gpc: Global Privacy Control is a refusal that only an explicit Accept all overrides", () => {
    expect(mayMeasure(null, false, true)).toBe(false);
    expect(mayMeasure(null, true, true)).toBe(false);
    expect(mayMeasure("rejected", true, true)).toBe(false);
    expect(mayMeasure("accepted", false, true)).toBe(true);
    expect(mayMeasure("accepted", true, true)).toBe(true);
  });
});
