// Hardening of logs (issue "what an attacker tries next", item 12): a database error logs neither
// the statement's parameters (drizzle's "Failed query … params: …") nor the input Postgres quotes
// back in its message.
import { env } from "cloudflare:workers";
import { sql } from "drizzle-orm";
import { Hono } from "hono";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { createDb, useLocalRelay, type DbHandle } from "../../db/client.ts";
import type { AppEnv } from "../../worker/src/env.ts";
import { describeError, handleError } from "../../worker/src/errors.ts";
import { requestId } from "../../worker/src/middleware/request-id.ts";

let handle: DbHandle;
beforeAll(() => {
  useLocalRelay(env.DB_WS_PROXY);
  handle = createDb(env.DATABASE_URL);
});
afterAll(() => handle.pool.end());

const SECRET = "jane.doe@example.com";

describe("hardening: no parameters in logs", () => {
  it("hardening: a forced database error logs no parameters", async () => {
    const app = new Hono<AppEnv>()
      .use("*", requestId)
      .get("/fail", async () => {
        await handle.db.execute(sql`select ${SECRET}::uuid`);
        return new Response("unreachable");
      })
      .onError(handleError);
    const logged = vi.spyOn(console, "error").mockImplementation(() => {});
    try {
      const response = await app.request("/fail", {}, env);
      expect(response.status).toBe(500);
      const lines = logged.mock.calls.map((call) => call.map(String).join(" ")).join("\n");
      expect(lines).toContain("database error 22P02");
      expect(lines).not.toContain(SECRET);
      expect(lines).not.toContain("params");
    } finally {
      logged.mockRestore();
    }
  });

  it("hardening: describeError keeps the driver's SQLSTATE and drops drizzle's statement and parameters", async () => {
    const error = await handle.db.execute(sql`select ${SECRET}::uuid`).catch((caught: unknown) => caught);
    expect(String((error as Error).message)).toContain(SECRET); // what drizzle would have logged
    expect(describeError(error)).toBe("query failed <- database error 22P02");
  });
});
