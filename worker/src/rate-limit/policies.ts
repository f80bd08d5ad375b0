/** What is being limited. Each surface has its own bucket inside the key's object. */
export type Surface = "ingest" | "browser" | "api" | "auth" | "signin" | "email" | "codes";
export type Plan = "free" | "pro";

/** A token bucket: `quota` units of burst, refilled evenly over `windowSeconds` (q and w in the headers). */
export type Quota = { quota: number; windowSeconds: number };

/**
 * What a caller does when the limiter cannot answer: "closed" refuses (503) because letting
 * guesses through is worse than a short outage; "open" admits for a short grace because losing
 * telemetry or the dashboard is worse than a few seconds without limits.
 */
export type FailurePolicy = "open" | "closed";

export type SurfacePolicy = { failure: FailurePolicy; plans: Record<Plan, Quota> };

/**
 * The one table of limits. Ingest counts telemetry items (spans, data points, log records), every
 * other surface counts requests. Auth surfaces have no plan (the caller is anonymous) so every
 * plan gets the same quota there.
 */
export const POLICIES: Record<Surface, SurfacePolicy> = {
  ingest: {
    failure: "open",
    plans: { free: { quota: 10_000, windowSeconds: 60 }, pro: { quota: 200_000, windowSeconds: 60 } },
  },
  // Browser ingest (frontend tokens are public, embedded in pages) per connecting IP, in front of
  // the tenant's ingest bucket: one abusive client runs out here, long before it can spend the
  // tenant's whole quota. A real visitor's tab sends tens of spans a minute.
  browser: {
    failure: "open",
    plans: { free: { quota: 600, windowSeconds: 60 }, pro: { quota: 600, windowSeconds: 60 } },
  },
  api: {
    failure: "open",
    plans: { free: { quota: 300, windowSeconds: 60 }, pro: { quota: 1_200, windowSeconds: 60 } },
  },
  // Per connecting IP on unauthenticated /api/auth/* ceremonies: enough for an office behind one
  // NAT signing in, not for credential stuffing (guessing one account is the `signin` limit's job).
  auth: {
    failure: "closed",
    plans: { free: { quota: 60, windowSeconds: 300 }, pro: { quota: 60, windowSeconds: 300 } },
  },
  // Per account on sign-in attempts (SECURITY B10: engages well before 100 wrong codes, whatever
  // the session or IP): 10 at once, then one every 90 s.
  signin: {
    failure: "closed",
    plans: { free: { quota: 10, windowSeconds: 900 }, pro: { quota: 10, windowSeconds: 900 } },
  },
  // Per account on emails a person asks for (verification resend, email change): every one lands
  // in someone's mailbox, so 3 at once, then one every 5 minutes.
  email: {
    failure: "closed",
    plans: { free: { quota: 3, windowSeconds: 900 }, pro: { quota: 3, windowSeconds: 900 } },
  },
  // Wrong TOTP and recovery codes across all accounts and IPs (one global key), counted on failure:
  // spraying one guess at many accounts from many IPs passes the `auth` and `signin` limits, not
  // this one. Far above what real users mistype; when it runs out, code checks wait (429) and an
  // alert is logged. Fails open: the per-account and per-IP limits, which fail closed, still hold.
  codes: {
    failure: "open",
    plans: { free: { quota: 500, windowSeconds: 600 }, pro: { quota: 500, windowSeconds: 600 } },
  },
};

/**
 * A tenant's limits set by an operator beyond its plan (a contract, an incident): rows of the
 * tenant_limits table (`npm run tenant:plan -- <tenant> limit …`), read in the same statement as
 * the request's token or session lookup (migrations/0041_tenant_limits.sql), so a change applies
 * to the tenant's next request, without a deploy and without a round trip of its own.
 */
export type TenantLimits = Partial<Record<Surface, Quota>>;

/** The quota for a surface and plan, with the tenant's own limit when an operator set one. */
export function quotaFor(surface: Surface, plan: Plan, limits: TenantLimits = {}): Quota {
  return limits[surface] ?? POLICIES[surface].plans[plan];
}
