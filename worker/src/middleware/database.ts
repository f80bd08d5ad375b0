import { factory } from "../env.ts";

/**
 * A Pool per request (no connection is opened until a query runs), ended after the response.
 *
 * The driver and drizzle (about three quarters of what start-up evaluated) are imported by an
 * isolate's first API request, not when the isolate starts: the rate limiter's Durable Object
 * isolates run this same script and never query Postgres, so they never evaluate them. The isolate
 * keeps the module once loaded (docs/round-trips.md, "Cold start").
 */
export const database = factory.createMiddleware(async (c, next) => {
  const { CONNECTION_NAMES, createDb, useLocalRelay } = await import("../../../db/client.ts");
  if (c.env.DB_WS_PROXY) useLocalRelay(c.env.DB_WS_PROXY);
  const { db, pool } = createDb(c.env.DATABASE_URL, CONNECTION_NAMES.api);
  c.set("db", db);
  try {
    await next();
  } finally {
    c.executionCtx.waitUntil(pool.end());
  }
});
