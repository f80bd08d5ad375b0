// What every browser-facing /v1 route shares (OTLP traces and /v1/consent): a frontend token is
// public, so its requests must come from one of its tenant's allowed origins, get CORS headers for
// exactly that origin (never Allow-Credentials), and spend a per-IP bucket besides the tenant's.
import type { Context } from "hono";
import type { AppEnv } from "../env.ts";
import { HttpError } from "../errors.ts";
import { policyFor } from "../rate-limit/consume.ts";
import { ipKey } from "../rate-limit/keys.ts";
import { isOriginAllowedByAnyTenant } from "../tenancy/origins.ts";
import { enforceRateLimit } from "./rate-limit.ts";

const EXPOSED_HEADERS = "Retry-After, RateLimit, RateLimit-Policy";

/**
 * A CORS preflight carries no token, so the question is only whether some tenant allows this
 * origin; the request itself then checks the token's own tenant. Never Allow-Credentials.
 */
export async function answerPreflight(
  c: Context<AppEnv>,
  allowed: { methods: string; headers: string } | null,
): Promise<Response> {
  const origin = c.req.header("Origin");
  c.header("Vary", "Origin");
  if (!allowed || !origin || !(await isOriginAllowedByAnyTenant(c.var.db, origin))) {
    return c.body(null, 204);
  }
  c.header("Access-Control-Allow-Origin", origin);
  c.header("Access-Control-Allow-Methods", allowed.methods);
  c.header("Access-Control-Allow-Headers", allowed.headers);
  c.header("Access-Control-Max-Age", "600");
  return c.body(null, 204);
}

/**
 * 403 ORIGIN_NOT_ALLOWED unless the request's Origin is one of the token's tenant's; then CORS for
 * it. The list came with the token lookup (no statement of its own), so a change applies to the
 * next request.
 */
export function admitBrowserOrigin(c: Context<AppEnv>): void {
  const origin = c.req.header("Origin");
  if (!origin || !c.var.apiToken.allowedOrigins.includes(origin)) {
    throw new HttpError(403, "ORIGIN_NOT_ALLOWED", "This origin is not allowed for the token's tenant");
  }
  c.header("Access-Control-Allow-Origin", origin);
  c.header("Access-Control-Expose-Headers", EXPOSED_HEADERS);
  c.header("Vary", "Origin");
}

/** A frontend token is public: each connecting IP also has its own, smaller bucket. */
export async function limitPerBrowserIp(c: Context<AppEnv>, weight: number): Promise<void> {
  const key = await ipKey(c.req.raw, c.env.RATE_LIMIT_SALT);
  if (key) await enforceRateLimit(c, key, policyFor("browser"), weight);
}
