import type { Decision } from "../rate-limiter.ts";
import { kindOf, type LimitKey } from "./keys.ts";
import type { Quota } from "./policies.ts";

/**
 * RateLimit-Policy and RateLimit as in draft-ietf-httpapi-ratelimit-headers-10 (Structured Field
 * lists of String items): the policy is named after the key kind ("tenant", "token", "ip",
 * "account"); q is the burst, w the window over which it refills; r is what remains and t the
 * seconds until more quota is available (draft -10 wording), which a 429's Retry-After matches.
 */
export function rateLimitHeaders(key: LimitKey, quota: Quota, decision: Decision): Record<string, string> {
  const name = `"${kindOf(key)}"`;
  return {
    "RateLimit-Policy": `${name};q=${quota.quota};w=${quota.windowSeconds}`,
    RateLimit: `${name};r=${decision.remaining};t=${decision.resetSeconds}`,
  };
}
