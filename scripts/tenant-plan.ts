// A tenant's rate limits are data, changed by an operator with `npm run tenant:plan`, not by a
// deploy: its plan (the `tenants.plan` column) and, beyond the plan, its own limit per surface (the
// `tenant_limits` table, e.g. a contract's ingest quota). Each change is one statement in the
// tenant's RLS scope plus an audit event, in one transaction. The Worker reads both in the same
// statement as every request's token or session lookup (migrations/0041_tenant_limits.sql), so a
// change applies to the tenant's next request.
import { and, eq } from "drizzle-orm";
import type { Db } from "../db/client.ts";
import { tenantLimits, tenants, type TenantPlan } from "../db/schema/index.ts";
import { withTenant } from "../db/tenant-scope.ts";
import { recordAuditEvent } from "../worker/src/auth/audit.ts";
import { POLICIES, type Quota } from "../worker/src/rate-limit/policies.ts";

export const PLANS = Object.keys(POLICIES.ingest.plans) as TenantPlan[];
/** The surfaces limited per tenant (the others are per IP or account). */
export const LIMITED_SURFACES = ["ingest", "api"] as const;
export type LimitedSurface = (typeof LIMITED_SURFACES)[number];

const operatorRequestId = () => `operator-${crypto.randomUUID()}`;

/** Sets the plan; answers the previous one, or null when there is no such tenant. */
export async function setTenantPlan(db: Db, tenantId: string, plan: TenantPlan): Promise<TenantPlan | null> {
  return withTenant(db, tenantId, async (tx) => {
    const [before] = await tx.select({ plan: tenants.plan }).from(tenants).where(eq(tenants.id, tenantId));
    if (!before) return null;
    await tx.update(tenants).set({ plan }).where(eq(tenants.id, tenantId));
    await recordAuditEvent(tx, {
      action: "tenant.plan_changed",
      actorUserId: null,
      requestId: operatorRequestId(),
      tenantId,
      details: { from: before.plan, to: plan },
    });
    return before.plan;
  });
}

/**
 * Sets the tenant's own limit for a surface (null: back to its plan's). Answers the previous limit
 * (null: the plan's), or undefined when there is no such tenant. Out-of-range values are refused
 * by the table's checks (1–100,000,000 per 1 s–1 day).
 */
export async function setTenantLimit(
  db: Db,
  tenantId: string,
  surface: LimitedSurface,
  limit: Quota | null,
): Promise<Quota | null | undefined> {
  return withTenant(db, tenantId, async (tx) => {
    const [tenant] = await tx.select({ id: tenants.id }).from(tenants).where(eq(tenants.id, tenantId));
    if (!tenant) return undefined;
    const mine = and(eq(tenantLimits.tenantId, tenantId), eq(tenantLimits.surface, surface));
    const [before] = await tx
      .select({ quota: tenantLimits.quota, windowSeconds: tenantLimits.windowSeconds })
      .from(tenantLimits)
      .where(mine);
    if (limit === null) await tx.delete(tenantLimits).where(mine);
    else {
      await tx
        .insert(tenantLimits)
        .values({ tenantId, surface, ...limit })
        .onConflictDoUpdate({
          target: [tenantLimits.tenantId, tenantLimits.surface],
          set: { ...limit, updatedAt: new Date() },
        });
    }
    await recordAuditEvent(tx, {
      action: "tenant.limit_changed",
      actorUserId: null,
      requestId: operatorRequestId(),
      tenantId,
      details: { surface, from: before ?? null, to: limit },
    });
    return before ?? null;
  });
}
