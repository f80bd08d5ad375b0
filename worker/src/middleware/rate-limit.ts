import type { Context } from "hono";
import type { AppEnv } from "../env.ts";
import { factory } from "../env.ts";
import { HttpError } from "../errors.ts";
import { consume, policyFor, type Policy } from "../rate-limit/consume.ts";
import { FailOpenGrace } from "../rate-limit/fail-open-grace.ts";
import { rateLimitHeaders } from "../rate-limit/headers.ts";
import { accountKey, ipKey, kindOf, tenantKey, type LimitKey } from "../rate-limit/keys.ts";
import type { Plan, Surface, TenantLimits } from "../rate-limit/policies.ts";
import { sessionOf } from "./session.ts";

/** Retry-After when the limiter itself is unreachable: long enough not to hammer it. */
const UNAVAILABLE_RETRY_AFTER_SECONDS = 5;

/** Isolate-wide: one outage of the limiter, one grace, whichever fail-open surface noticed it. */
export const failOpenGrace = new FailOpenGrace(30_000);

/**
 * Decides one request (of `weight` units) against `key`'s bucket for `policy.surface`. Admitted:
 * the RateLimit headers are set on the response being built. Refused: 429
 * RATE_LIMITED with the headers, Retry-After and no-store. Limiter unreachable: by the surface's
 * failure policy, a 503 with Retry-After, or (fail-open, within the grace) admitted without
 * headers and logged.
 * For ingest: `await enforceRateLimit(c, tenantKey(id), policyFor("ingest", plan, limits), spans)`,
 * then answer through c.body/c.json so the headers set here are kept.
 */
export async function enforceRateLimit(
  c: Context<AppEnv>,
  key: LimitKey,
  policy: Policy,
  weight = 1,
): Promise<void> {
  const outcome = await consume(c.env, key, policy, weight);
  if (!outcome.available) return answerLimiterUnavailable(c, key, policy, outcome.error);
  if (policy.failure === "open") failOpenGrace.recordSuccess();
  // Every limiter that decided on this request is listed, the refusing one included.
  c.set("rateLimits", [...(c.var.rateLimits ?? []), outcome.item]);
  const headers = rateLimitHeaders(c.var.rateLimits);
  const { decision } = outcome;
  if (!decision.allowed) {
    throw new HttpError(429, "RATE_LIMITED", `Rate limit exceeded; retry in ${decision.resetSeconds} s`, {
      ...headers,
      "Retry-After": String(Math.max(decision.resetSeconds, 1)),
      "Cache-Control": "no-store",
    });
  }
  setHeaders(c);
}

/** RateLimit-Policy and RateLimit for every limiter that decided on this request so far. */
function setHeaders(c: Context<AppEnv>): void {
  if (!c.var.rateLimits?.length) return;
  for (const [name, value] of Object.entries(rateLimitHeaders(c.var.rateLimits))) c.header(name, value);
}

function answerLimiterUnavailable(c: Context<AppEnv>, key: LimitKey, policy: Policy, error: string): void {
  const admitted = policy.failure === "open" && failOpenGrace.admitDuringOutage(Date.now());
  console.warn(
    JSON.stringify({
      msg: admitted ? "rate limiter unavailable: admitted (fail open)" : "rate limiter unavailable: refused",
      requestId: c.var.requestId,
      surface: policy.surface,
      keyKind: kindOf(key),
      admittedUnlimited: failOpenGrace.admittedUnlimited,
      error,
    }),
  );
  if (admitted) return;
  throw new HttpError(
    503,
    "RATE_LIMITER_UNAVAILABLE",
    "Try again shortly",
    { "Retry-After": String(UNAVAILABLE_RETRY_AFTER_SECONDS), "Cache-Control": "no-store" },
    { cause: error },
  );
}

/**
 * Middleware: limits every request that `keyOf` gives a key to (null: not limited here, e.g. an
 * unauthenticated request on a route another limiter covers). The plan and the tenant's limits
 * (both read with the session or token, no round trip of their own) select the quota.
 */
export function rateLimit(
  surface: Surface,
  keyOf: (c: Context<AppEnv>) => Promise<LimitSubject | null> | LimitSubject | null,
) {
  return factory.createMiddleware(async (c, next) => {
    const subject = await keyOf(c);
    if (!subject) return next();
    const policy = policyFor(surface, subject.plan, subject.limits);
    await enforceRateLimit(c, subject.key, policy, subject.weight);
    await next();
    // Again on the final response: a handler may have answered with a Response of its own, or
    // another limiter may have decided after this one.
    setHeaders(c);
  });
}

export type LimitSubject = { key: LimitKey; plan?: Plan; limits?: TenantLimits; weight?: number };

/** Unauthenticated sign-up and sign-in ceremonies, per connecting IP; fails closed. */
export const limitAuthByIp = rateLimit("auth", async (c) => {
  const key = await ipKey(c.req.raw, c.env.RATE_LIMIT_SALT);
  return key && { key };
});

/**
 * Sign-in attempts (TOTP, recovery code, step-up) per account, counted before the code is checked
 * so that parallel guesses cannot overtake the count; fails closed. `email` as normalised by auth.
 */
export async function limitSignInAttempts(c: Context<AppEnv>, email: string): Promise<void> {
  await enforceRateLimit(c, await accountKey(email, c.env.RATE_LIMIT_SALT), policyFor("signin"));
}

/**
 * Tenant API reads and writes, per tenant by its plan. Mount after requireTenantRole (or, for a
 * backend token reading telemetry, after the token's tenant matched the path): the key is the
 * tenant proven by membership or by the token, so nobody can spend another tenant's quota.
 */
export const limitTenantApi = rateLimit("api", async (c) => {
  const { id, plan, limits } = c.var.tenant ?? { ...c.var.apiToken, id: c.var.apiToken.tenantId };
  return { key: tenantKey(id), plan, limits };
});

/**
 * Signed-in requests outside a tenant (me, sessions, passkeys, account, invitations...), per
 * account; requests without a live session are not limited here. Loads the session once for the
 * request (the routes' requireUser reuses it).
 */
export const limitAccountApi = rateLimit("api", async (c) => {
  await sessionOf(c);
  return c.var.user ? { key: await accountKey(c.var.user.email, c.env.RATE_LIMIT_SALT) } : null;
});
