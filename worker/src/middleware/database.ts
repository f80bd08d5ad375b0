import { createDb, useLocalRelay } from "../../../db/client.ts";
import { factory } from "../env.ts";

/** A Pool per request (no connection is opened until a query runs), ended after the response. */
export const database = factory.createMiddleware(async (c, next) => {
  if (c.env.DB_WS_PROXY) useLocalRelay(c.env.DB_WS_PROXY);
  const { db, pool } = createDb(c.env.DATABASE_URL);
  c.set("db", db);
  try {
    await next();
  } finally {
    c.executionCtx.waitUntil(pool.end());
  }
});
