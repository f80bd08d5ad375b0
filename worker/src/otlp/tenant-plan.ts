// The tenant's plan selects its ingest quota. Read once a minute per isolate, not once per batch:
// a plan change may take that long to reach the limiter, which is fine for a quota.
import type { Db } from "../../../db/client.ts";
import { tenants } from "../../../db/schema/index.ts";
import { withTenant } from "../../../db/tenant-scope.ts";
import type { Plan } from "../rate-limit/policies.ts";

const TTL_MS = 60_000;
const cache = new Map<string, { plan: Plan; until: number }>();

export async function planOf(db: Db, tenantId: string, now = Date.now()): Promise<Plan> {
  const cached = cache.get(tenantId);
  if (cached && cached.until > now) return cached.plan;
  const [row] = await withTenant(db, tenantId, (tx) => tx.select({ plan: tenants.plan }).from(tenants));
  const plan = row?.plan ?? "free";
  cache.set(tenantId, { plan, until: now + TTL_MS });
  return plan;
}
