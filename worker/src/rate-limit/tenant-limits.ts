import type { BucketState } from "../rate-limiter.ts";
import { tenantKey } from "./keys.ts";
import { quotaFor, type Plan, type Quota, type Surface, type TenantLimits } from "./policies.ts";

/** The surfaces limited per tenant, as a tenant admin sees them. */
const TENANT_SURFACES = ["ingest", "api"] as const satisfies Surface[];

export type TenantLimit = { surface: (typeof TENANT_SURFACES)[number] } & Quota & BucketState;

/** A tenant's quotas, what remains of them and its recent 429s: one read-only RPC, nothing spent. */
export async function readTenantLimits(
  env: Env,
  tenantId: string,
  plan: Plan,
  limits: TenantLimits = {},
): Promise<TenantLimit[]> {
  const quotas = Object.fromEntries(
    TENANT_SURFACES.map((surface) => [surface, quotaFor(surface, plan, limits)]),
  );
  const states = await env.RATE_LIMITER.getByName(tenantKey(tenantId)).inspect(quotas);
  return TENANT_SURFACES.map((surface) => ({ surface, ...quotas[surface], ...states[surface] }));
}
