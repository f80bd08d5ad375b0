import type { Decision } from "../rate-limiter.ts";
import { kindOf, type LimitKey } from "./keys.ts";
import type { Quota } from "./policies.ts";

/** One limiter's entry in RateLimit-Policy and in RateLimit. */
export type RateLimitItem = { policy: string; state: string };

/**
 * An item of RateLimit-Policy and RateLimit as in draft-ietf-httpapi-ratelimit-headers-10
 * (Structured Field String items with parameters): named after the key kind ("tenant", "token",
 * "ip", "account"); q is the burst, w the window over which it refills; r is what remains and t
 * the seconds until more quota is available (draft -10 wording), which a 429's Retry-After matches.
 */
export function rateLimitItem(key: LimitKey, quota: Quota, decision: Decision): RateLimitItem {
  const name = `"${kindOf(key)}"`;
  return {
    policy: `${name};q=${quota.quota};w=${quota.windowSeconds}`,
    state: `${name};r=${decision.remaining};t=${decision.resetSeconds}`,
  };
}

/** Both fields are lists: a response limited twice (IP and account) lists both, in order. */
export function rateLimitHeaders(items: RateLimitItem[]): Record<string, string> {
  return {
    "RateLimit-Policy": items.map((item) => item.policy).join(", "),
    RateLimit: items.map((item) => item.state).join(", "),
  };
}
