// API-token lookups on warm database connections. A Worker cannot keep a socket from one request to
// the next, so every token-authenticated request opened a connection of its own for one statement:
// about 6 of the ~20 ms the isolate spent on a 100-span ingest request, and against Neon a TLS and
// WebSocket handshake with its proxy before the statement. A Durable Object may keep connections
// across requests: the lookups of a shard share its pool. Nothing is cached: every lookup still
// reads the database, so a revoked token, a changed plan or limit, new route patterns or a
// withdrawn consent receipt apply to the very next request (docs/ingest.md, "Token lookup").
// Requests call it through authenticateApiToken (middleware/api-token.ts), which sends only the hash.
import { DurableObject } from "cloudflare:workers";
import type { DbHandle } from "../../db/client.ts";
import { describeError } from "./errors.ts";
import { lazyModule } from "./lazy-module.ts";
import { isStorageUnavailable } from "./storage-failure.ts";
import type { AuthenticatedToken } from "./tenancy/api-tokens.ts";

/**
 * Lookups are spread over this many objects by the token's hash: one object runs one request at a
 * time between awaits and holds up to the driver's default of 10 connections, so one shard serves
 * one token's whole traffic (as one rate limiter object serves its tenant's) and the shards together
 * at most 16 × 10 connections, which Neon's pooled endpoint takes easily.
 */
const SHARDS = 16;

// Loaded by the first lookup, not at start-up (docs/round-trips.md, "Cold start").
const tokens = lazyModule(() => import("./tenancy/api-tokens.ts"));
const client = lazyModule(() => import("../../db/client.ts"));

/** What a lookup answers over RPC, which would keep only an error's message. */
export type LookupOutcome = { token: AuthenticatedToken | null } | { failure: string; unavailable: boolean };

export class TokenLookup extends DurableObject<Env> {
  /** The database this object reads. Tests point it at a stopped one through runInDurableObject. */
  databaseUrl = this.env.DATABASE_URL;
  #handle: (DbHandle & { url: string }) | undefined;

  /** findApiToken on this object's pool; a failure comes back classified, with no data in it. */
  async find(hash: Uint8Array, now: Date, receiptId: string | null): Promise<LookupOutcome> {
    try {
      const { findApiToken } = await tokens();
      return { token: await findApiToken(await this.#connection(), hash, now, receiptId) };
    } catch (error) {
      return { failure: describeError(error), unavailable: isStorageUnavailable(error) };
    }
  }

  async #connection() {
    const { CONNECTION_NAMES, createWorkerDb } = await client();
    // No await from here on: lookups arriving together share one pool.
    if (this.#handle?.url !== this.databaseUrl) {
      void this.#handle?.pool.end();
      const handle = createWorkerDb(this.env, CONNECTION_NAMES.tokenLookup, this.databaseUrl);
      this.#handle = { ...handle, url: this.databaseUrl };
    }
    return this.#handle.db;
  }
}

/** The object that looks up tokens with this hash. */
export function tokenLookupFor(env: Env, hash: Uint8Array): DurableObjectStub<TokenLookup> {
  return env.TOKEN_LOOKUP.getByName(`shard:${hash[0] % SHARDS}`, placementOf(env.DATABASE_LOCATION_HINT));
}

const LOCATION_HINTS: ReadonlySet<string> = new Set<DurableObjectLocationHint>([
  "wnam",
  "enam",
  "sam",
  "weur",
  "eeur",
  "apac",
  "apac-ne",
  "apac-se",
  "oc",
  "afr",
  "me",
]);

/**
 * Where a shard's object is created (DATABASE_LOCATION_HINT, the region of Cloudflare's nearest the
 * database; empty: none). An object stays where it was first created, by default next to its first
 * caller: without the hint, a shard first used from Sydney would serve Frankfurt's lookups against a
 * Frankfurt database by two long hops instead of one. A value that is not a hint fails loudly.
 */
export function placementOf(hint: string): DurableObjectNamespaceGetDurableObjectOptions | undefined {
  if (hint === "") return undefined;
  if (!LOCATION_HINTS.has(hint)) throw new Error(`DATABASE_LOCATION_HINT is not a location hint: ${hint}`);
  return { locationHint: hint as DurableObjectLocationHint };
}
