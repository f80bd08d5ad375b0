// A tenant's RUM route patterns (worker/src/tenancy/rum-routes.ts), applied while mapping browser
// spans and log records. Read once a minute per isolate, not once per batch (ingest is the hottest
// path): a change may take that long to reach the route grouping, which is fine for a dashboard
// key. (The plan and the operator's limits come with the token lookup itself.)
import type { Db } from "../../../db/client.ts";
import { withTenant } from "../../../db/tenant-scope.ts";
import { listRoutePatterns } from "../tenancy/rum-routes.ts";

const TTL_MS = 60_000;

const cache = new Map<string, { routes: readonly string[]; until: number }>();

export async function cachedRoutePatternsOf(
  db: Db,
  tenantId: string,
  now = Date.now(),
): Promise<readonly string[]> {
  const cached = cache.get(tenantId);
  if (cached && cached.until > now) return cached.routes;
  const routes = await withTenant(db, tenantId, (tx) => listRoutePatterns(tx));
  cache.set(tenantId, { routes, until: now + TTL_MS });
  return routes;
}
