// The tenant's plan selects its ingest quota. Read once a minute per isolate, not once per batch
// (ingest is the hottest path): a plan change may take that long to reach the limiter, which is
// fine for a quota.
import type { Db } from "../../../db/client.ts";
import { withTenant } from "../../../db/tenant-scope.ts";
import type { Plan } from "../rate-limit/policies.ts";
import { planOf } from "../rate-limit/tenant-limits.ts";

const TTL_MS = 60_000;
const cache = new Map<string, { plan: Plan; until: number }>();

export async function cachedPlanOf(db: Db, tenantId: string, now = Date.now()): Promise<Plan> {
  const cached = cache.get(tenantId);
  if (cached && cached.until > now) return cached.plan;
  const plan = await withTenant(db, tenantId, (tx) => planOf(tx, tenantId));
  cache.set(tenantId, { plan, until: now + TTL_MS });
  return plan;
}
