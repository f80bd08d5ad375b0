import { sql } from "drizzle-orm";
import { Hono } from "hono";
import type { AppEnv } from "../env.ts";
import { describeError } from "../errors.ts";

const DB_TIMEOUT_MS = 3_000;

export const health = new Hono<AppEnv>().get("/", async (c) => {
  try {
    await Promise.race([
      c.var.db.execute(sql`select 1`),
      new Promise((_, reject) => setTimeout(() => reject(new Error("timed out")), DB_TIMEOUT_MS)),
    ]);
    return c.json({ status: "ok", db: "ok" });
  } catch (error) {
    console.error(
      JSON.stringify({
        msg: "health: database unreachable",
        requestId: c.var.requestId,
        error: describeError(error),
      }),
    );
    c.header("Retry-After", "5");
    return c.json({ status: "error", db: "error" }, 503);
  }
});
