import { describeError } from "../errors.ts";
import type { Decision } from "../rate-limiter.ts";
import { rateLimitHeaders, rateLimitItem, type RateLimitItem } from "./headers.ts";
import type { LimitKey } from "./keys.ts";
import {
  POLICIES,
  quotaFor,
  type FailurePolicy,
  type Plan,
  type Quota,
  type Surface,
  type TenantLimits,
} from "./policies.ts";

/** Everything needed for one decision: which bucket, how big, and what to do if the limiter is down. */
export type Policy = { surface: Surface; quota: Quota; failure: FailurePolicy };

export type Outcome =
  | { available: true; decision: Decision; item: RateLimitItem; headers: Record<string, string> }
  | { available: false; error: string };

/** A limiter slower than this is treated as down: a decision normally takes well under a millisecond. */
const TIMEOUT_MS = 1_000;

export function policyFor(surface: Surface, plan: Plan = "free", limits?: TenantLimits): Policy {
  return { surface, quota: quotaFor(surface, plan, limits), failure: POLICIES[surface].failure };
}

/**
 * One decision: spends `weight` units (at least one) of the key's bucket for this surface, in one
 * RPC. A failure is retried once only when the platform marks it retryable and not overloaded; an
 * overloaded object is never retried (that would add load to the very object that is shedding it).
 */
export async function consume(env: Env, key: LimitKey, policy: Policy, weight = 1): Promise<Outcome> {
  // A caller's bug (NaN, a fraction) must surface as an error, not as "limiter down" (fail open).
  if (!Number.isSafeInteger(weight) || weight < 0) {
    throw new RangeError(`invalid rate limit weight: ${weight}`);
  }
  // Every request costs at least one unit, an empty ingest batch included.
  const cost = Math.max(weight, 1);
  let lastError: unknown;
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const decision = await withTimeout(
        env.RATE_LIMITER.getByName(key).consume(policy.surface, policy.quota, cost),
      );
      const item = rateLimitItem(key, policy.quota, decision);
      return { available: true, decision, item, headers: rateLimitHeaders([item]) };
    } catch (error) {
      lastError = error;
      if (!isRetryable(error)) break;
    }
  }
  return { available: false, error: describeError(lastError) };
}

function isRetryable(error: unknown): boolean {
  const flags = error as { retryable?: boolean; overloaded?: boolean };
  return flags.retryable === true && flags.overloaded !== true;
}

export function withTimeout<T>(work: Promise<T>): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`rate limiter timed out after ${TIMEOUT_MS} ms`)), TIMEOUT_MS);
  });
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}
