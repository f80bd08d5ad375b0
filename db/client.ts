// One way to reach the database, the same in production, dev and tests: the Neon serverless
// driver's Pool (Postgres over a WebSocket). In dev and tests the WebSocket goes to the loopback
// relay in db/local/ws-relay.ts instead of Neon's proxy.
import { Pool, neonConfig } from "@neondatabase/serverless";
import { drizzle, type NeonDatabase } from "drizzle-orm/neon-serverless";

/**
 * Without the schema: nothing uses drizzle's relational API (`db.query.*`), and handing drizzle the
 * schema made every request (and every scope) walk all tables, and made the start-up evaluate all
 * of them. Each module imports the tables it queries (docs/round-trips.md, "Cold start").
 */
export type Db = NeonDatabase;
export type DbHandle = { db: Db; pool: Pool };

/** Points the driver at a local relay (`host:port`). Neon's own endpoints need none of this. */
export function useLocalRelay(relay: string): void {
  neonConfig.wsProxy = (host, port) => `${relay}/v1?address=${host}:${port}`;
  neonConfig.useSecureWebSocket = false;
  // No TLS to a loopback Postgres (Neon's proxy terminates TLS itself).
  neonConfig.pipelineTLS = false;
  // As against Neon (the driver's default): startup, password and the first statement go out
  // together, so connecting costs no round trip of its own. This needs cleartext password auth,
  // which the local Postgres uses (db/local/postgres.ts) just as Neon's proxy does.
  neonConfig.pipelineConnect = "password";
}

/**
 * What the Worker's connections say they are for (Postgres's application_name): pg_stat_activity
 * and Neon's monitoring tell the requests' short connections from the queue consumer's writes and
 * the Cron jobs, and so does the local relay's count of round trips (the bench).
 */
export const CONNECTION_NAMES = {
  api: "sightline-api",
  /** The token lookup's Durable Objects (worker/src/token-lookup.ts): warm, shared by requests. */
  tokenLookup: "sightline-token-lookup",
  ingest: "sightline-ingest",
  cron: "sightline-cron",
} as const;
export type ConnectionName = (typeof CONNECTION_NAMES)[keyof typeof CONNECTION_NAMES];

/**
 * createDb for the Worker's own connections: through the local relay when the Worker runs locally
 * (its `DB_WS_PROXY` binding is set in dev and tests, never in production).
 */
export function createWorkerDb(
  env: { DATABASE_URL: string; DB_WS_PROXY?: string },
  applicationName: ConnectionName,
  connectionString = env.DATABASE_URL,
): DbHandle {
  if (env.DB_WS_PROXY) useLocalRelay(env.DB_WS_PROXY);
  return createDb(connectionString, applicationName);
}

/**
 * A Pool for one request (Workers cannot keep sockets across requests): the caller ends it with
 * `waitUntil(pool.end())`.
 */
export function createDb(connectionString: string, applicationName?: ConnectionName): DbHandle {
  const pool = new Pool({
    connectionString,
    connectionTimeoutMillis: 5_000,
    application_name: applicationName,
  });
  // Idle clients may fail after the request is done; without a listener that is an unhandled error.
  pool.on("error", (error: Error) =>
    console.error(JSON.stringify({ msg: "db pool error", error: error.message })),
  );
  return { pool, db: drizzle({ client: pool }) };
}
