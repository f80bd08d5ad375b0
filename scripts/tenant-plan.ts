// A tenant's rate-limit plan is data (the `tenants.plan` column), changed by an operator with
// `npm run tenant:plan -- <tenant-id> <free|pro>`, not by a deploy. The change is one statement
// in the tenant's RLS scope plus an audit event, in one transaction. The Worker reads the plan
// once a minute per isolate (worker/src/otlp/tenant-plan.ts) and on every tenant API request, so
// the new quotas apply within a minute everywhere.
import { eq } from "drizzle-orm";
import type { Db } from "../db/client.ts";
import { tenants, type TenantPlan } from "../db/schema/index.ts";
import { withTenant } from "../db/tenant-scope.ts";
import { recordAuditEvent } from "../worker/src/auth/audit.ts";
import { POLICIES } from "../worker/src/rate-limit/policies.ts";

export const PLANS = Object.keys(POLICIES.ingest.plans) as TenantPlan[];

/** Sets the plan; answers the previous one, or null when there is no such tenant. */
export async function setTenantPlan(db: Db, tenantId: string, plan: TenantPlan): Promise<TenantPlan | null> {
  return withTenant(db, tenantId, async (tx) => {
    const [before] = await tx.select({ plan: tenants.plan }).from(tenants).where(eq(tenants.id, tenantId));
    if (!before) return null;
    await tx.update(tenants).set({ plan }).where(eq(tenants.id, tenantId));
    await recordAuditEvent(tx, {
      action: "tenant.plan_changed",
      actorUserId: null,
      requestId: `operator-${crypto.randomUUID()}`,
      tenantId,
      details: { from: before.plan, to: plan },
    });
    return before.plan;
  });
}
