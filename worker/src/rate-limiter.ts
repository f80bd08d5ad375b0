import { DurableObject } from "cloudflare:workers";

/**
 * Per-key rate limiter: one SQLite-backed object per limited key (tenant, token, IP hash,
 * account). The admission algorithm lands with the rate-limiting issue; the class and its
 * storage migration are registered now so the binding exists from the first deploy.
 */
export class RateLimiter extends DurableObject<Env> {}
