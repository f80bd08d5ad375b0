// API-token authentication (`Authorization: Bearer sl_be_…|sl_fe_…`) for ingest and token-readable
// APIs. Sets c.var.apiToken = { id, tenantId, type }. Tokens in a URL are refused outright: URLs
// end up in logs, histories and Referer headers. A revoked (deleted) or expired token fails on the
// very next request because every request looks the token up (in the database, through the token
// lookup's warm connections: token-lookup.ts).
import type { Context } from "hono";
import { presentedTokenHash, type AuthenticatedToken } from "../tenancy/api-tokens.ts";
import { ReportedStorageFailure } from "../storage-failure.ts";
import { tokenLookupFor } from "../token-lookup.ts";
import { factory, type AppEnv } from "../env.ts";
import { HttpError } from "../errors.ts";

const QUERY_TOKEN_NAMES = new Set(["token", "access_token", "api_key", "apikey", "key", "authorization"]);
const CHALLENGE = { "WWW-Authenticate": 'Bearer realm="sightline"' };
const INVALID_CHALLENGE = { "WWW-Authenticate": 'Bearer realm="sightline", error="invalid_token"' };

/** 400 TOKEN_IN_QUERY when the URL carries anything that looks like a credential. */
export function refuseTokenInQuery(c: Context<AppEnv>): void {
  for (const [name, value] of new URL(c.req.url).searchParams) {
    if (QUERY_TOKEN_NAMES.has(name.toLowerCase()) || /^sl_(be|fe)_/.test(value)) {
      throw new HttpError(
        400,
        "TOKEN_IN_QUERY",
        "Send the token in the Authorization header, never in the URL",
      );
    }
  }
}

/** The bearer credential of the request, or null when there is no Authorization header. */
export function bearerTokenOf(c: Context<AppEnv>): string | null {
  const header = c.req.header("Authorization");
  if (header === undefined) return null;
  const match = /^Bearer +(\S+) *$/i.exec(header);
  if (!match)
    throw new HttpError(401, "TOKEN_INVALID", "Expected Authorization: Bearer <token>", INVALID_CHALLENGE);
  return match[1];
}

/**
 * The live token behind a presented secret, or null (malformed, unknown, revoked, expired). Looked
 * up by the token lookup's object on its warm connection (worker/src/token-lookup.ts), which gets
 * the hash, never the secret. A database failure is thrown as a ReportedStorageFailure (503 when
 * the database is unavailable, 500 otherwise).
 */
export async function authenticateApiToken(
  env: Env,
  token: string,
  now: Date,
  receiptId: string | null = null,
): Promise<AuthenticatedToken | null> {
  const hash = await presentedTokenHash(token);
  if (!hash) return null;
  const outcome = await tokenLookupFor(env, hash).find(hash, now, receiptId);
  if ("failure" in outcome) throw new ReportedStorageFailure(outcome.failure, outcome.unavailable);
  return outcome.token;
}

/** Authenticates the bearer token or answers 401 (TOKEN_REQUIRED / TOKEN_INVALID). */
export const requireApiToken = factory.createMiddleware(async (c, next) => {
  await authenticateBearer(c);
  await next();
});

/** requireApiToken's check, for a middleware that decides between a token and a session. */
export async function authenticateBearer(c: Context<AppEnv>): Promise<void> {
  refuseTokenInQuery(c);
  const token = bearerTokenOf(c);
  if (token === null) throw new HttpError(401, "TOKEN_REQUIRED", "An API token is required", CHALLENGE);
  // A consent receipt read earlier (readConsentReceipt, browser ingest) is checked in the same lookup.
  const found = await authenticateApiToken(c.env, token, new Date(), c.var.consentReceipt?.id ?? null);
  if (!found)
    throw new HttpError(401, "TOKEN_INVALID", "Unknown, revoked or expired token", INVALID_CHALLENGE);
  c.set("apiToken", found);
}

/**
 * For cookie-only (management) routes: a request presenting an API token is refused with 403
 * TOKEN_NOT_ALLOWED when the token is valid (tokens never manage tenants), 401 when it is not.
 */
export const refuseApiTokens = factory.createMiddleware(async (c, next) => {
  refuseTokenInQuery(c);
  const token = bearerTokenOf(c);
  if (token !== null) {
    const found = await authenticateApiToken(c.env, token, new Date());
    if (!found)
      throw new HttpError(401, "TOKEN_INVALID", "Unknown, revoked or expired token", INVALID_CHALLENGE);
    throw new HttpError(403, "TOKEN_NOT_ALLOWED", `A ${found.type} token cannot use this endpoint`);
  }
  await next();
});
