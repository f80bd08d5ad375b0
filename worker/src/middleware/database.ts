import type { DbHandle, Db } from "../../../db/client.ts";
import { factory } from "../env.ts";
import { lazyModule } from "../lazy-module.ts";

const client = lazyModule(() => import("../../../db/client.ts"));

/**
 * A Pool per request, created when the request first uses `c.var.db` (and no connection is opened
 * until a query runs), ended after the response. Most ingest requests never use it: their token
 * lookup runs on its object's warm connection (token-lookup.ts), and building and ending a Pool
 * and drizzle for nothing cost ~0.4 ms of a ~12 ms request.
 *
 * The driver and drizzle (about three quarters of what start-up evaluated) are imported by an
 * isolate's first API request, not when the isolate starts: the rate limiter's Durable Object
 * isolates run this same script and never query Postgres, so they never evaluate them. The isolate
 * keeps the module once loaded (docs/round-trips.md, "Cold start").
 */
export const database = factory.createMiddleware(async (c, next) => {
  const { CONNECTION_NAMES, createWorkerDb } = await client();
  let handle: DbHandle | undefined;
  const connect = () => (handle ??= createWorkerDb(c.env, CONNECTION_NAMES.api)).db;
  // Every property of the real drizzle instance, read through on first use (methods run on it).
  c.set(
    "db",
    new Proxy({} as Db, {
      get: (_, property) => {
        const db = connect();
        const value = Reflect.get(db, property, db);
        return typeof value === "function" ? value.bind(db) : value;
      },
    }),
  );
  try {
    await next();
  } finally {
    if (handle) c.executionCtx.waitUntil(handle.pool.end());
  }
});
