import { eq } from "drizzle-orm";
import { tenants } from "../../../db/schema/index.ts";
import type { Tx } from "../../../db/tenant-scope.ts";
import type { BucketState } from "../rate-limiter.ts";
import { tenantKey } from "./keys.ts";
import { quotaFor, type Plan, type Quota, type Surface } from "./policies.ts";

/** The surfaces limited per tenant, as a tenant admin sees them. */
const TENANT_SURFACES = ["ingest", "api"] as const satisfies Surface[];

export type TenantLimit = { surface: Surface } & Quota & BucketState;

/** A tenant's quotas, what remains of them and its recent 429s: one read-only RPC, nothing spent. */
export async function readTenantLimits(env: Env, tenantId: string, plan: Plan): Promise<TenantLimit[]> {
  const quotas = Object.fromEntries(
    TENANT_SURFACES.map((surface) => [surface, quotaFor(surface, plan, tenantId)]),
  );
  const states = await env.RATE_LIMITER.getByName(tenantKey(tenantId)).inspect(quotas);
  return TENANT_SURFACES.map((surface) => ({ surface, ...quotas[surface], ...states[surface] }));
}

/** The tenant's plan, read in its RLS-scoped transaction (free when the row is not visible). */
export async function planOf(tx: Tx, tenantId: string): Promise<Plan> {
  const [tenant] = await tx.select({ plan: tenants.plan }).from(tenants).where(eq(tenants.id, tenantId));
  return tenant?.plan ?? "free";
}
