/** What is being limited. Each surface has its own bucket inside the key's object. */
export type Surface = "ingest" | "browser" | "api" | "auth" | "signin" | "email";
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
};

/**
 * Per-tenant limits set by the operator (a contract, an incident), keyed by tenant id. Changed by
 * a reviewed commit and a deploy, so every change is in git history; docs/rate-limiting.md says
 * how this moves to a `tenant_limits` table once operators need changes without a deploy.
 */
export const TENANT_OVERRIDES: Readonly<Record<string, Partial<Record<Surface, Quota>>>> = {};

/** The quota for a surface and plan, with the operator's per-tenant override when there is one. */
export function quotaFor(
  surface: Surface,
  plan: Plan,
  tenantId?: string,
  overrides = TENANT_OVERRIDES,
): Quota {
  const override = tenantId === undefined ? undefined : overrides[tenantId]?.[surface];
  return override ?? POLICIES[surface].plans[plan];
}
