// What ingest needs to know about a tenant besides its token: the plan (its ingest quota) and its
// RUM route patterns (applied while mapping). Read once a minute per isolate in one transaction,
// not once per batch (ingest is the hottest path): a change may take that long to reach the
// limiter and the route grouping, which is fine for both.
import type { Db } from "../../../db/client.ts";
import { withTenant } from "../../../db/tenant-scope.ts";
import type { Plan } from "../rate-limit/policies.ts";
import { planOf } from "../rate-limit/tenant-limits.ts";
import { listRoutePatterns } from "../tenancy/rum-routes.ts";

const TTL_MS = 60_000;

export type IngestSettings = { plan: Plan; routes: readonly string[] };

const cache = new Map<string, IngestSettings & { until: number }>();

export async function cachedIngestSettingsOf(
  db: Db,
  tenantId: string,
  now = Date.now(),
): Promise<IngestSettings> {
  const cached = cache.get(tenantId);
  if (cached && cached.until > now) return cached;
  const settings = await withTenant(db, tenantId, async (tx) => ({
    plan: await planOf(tx, tenantId),
    routes: await listRoutePatterns(tx),
  }));
  cache.set(tenantId, { ...settings, until: now + TTL_MS });
  return settings;
}
