import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { call, callWithEnv } from "./helpers.ts";

describe("GET /api/health", () => {
  it("answers 200 with db ok when Postgres answers a query", async () => {
    const response = await call("/api/health");
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ status: "ok", db: "ok" });
    expect(response.headers.get("Cache-Control")).toBe("no-store");
  });

  it("answers 503 with db error and Retry-After when the database is stopped", async () => {
    const response = await callWithEnv({ DATABASE_URL: env.TEST_STOPPED_DATABASE_URL }, "/api/health");
    expect(response.status).toBe(503);
    expect(await response.json()).toEqual({ status: "error", db: "error" });
    expect(Number(response.headers.get("Retry-After"))).toBeGreaterThan(0);
  });
});
