// Telemetry reads for one tenant: /api/tenants/:tid/{traces,logs,metrics,rum/*}. A member's
// session or the tenant's backend token may read; a frontend token never can (it ships in web
// pages). Every query runs in the tenant's RLS transaction. Shapes: docs/query.md;
// parameters: query-parameters.ts.
import { Hono, type Context, type Next } from "hono";
import type { AppEnv } from "../env.ts";
import { HttpError } from "../errors.ts";
import { authenticateBearer } from "../middleware/api-token.ts";
import { sessionOf } from "../middleware/session.ts";
import { admitMember, inTenantScope, isUuid } from "../middleware/tenant.ts";
import {
  attributionQuery,
  logsQuery,
  metricQuery,
  pagesQuery,
  rangeQuery,
  sessionsQuery,
  severityQuery,
  traceParams,
  traceQuery,
  tracesQuery,
  vitalsQuery,
} from "./query-parameters.ts";
import { lazyModule } from "../lazy-module.ts";

// The query modules, each loaded by the first request that needs it: code only telemetry reads use
// stays out of the Worker's start-up (docs/round-trips.md, "Cold start").
const traces = lazyModule(() => import("../query/traces.ts"));
const services = lazyModule(() => import("../query/services.ts"));
const logs = lazyModule(() => import("../query/logs.ts"));
const metrics = lazyModule(() => import("../query/metrics.ts"));
const rum = lazyModule(() => import("../query/rum.ts"));

/** Bearer token → that tenant's backend token; otherwise the session user's membership. */
async function tenantReader(c: Context<AppEnv>, next: Next): Promise<void> {
  if (!c.req.header("Authorization")) {
    if (!(await sessionOf(c))) throw new HttpError(401, "SESSION_REQUIRED");
    return inTenantScope(c, await admitMember(c, "member"), next);
  }
  await authenticateBearer(c);
  const tenantId = c.req.param("tid");
  const token = c.var.apiToken;
  if (!isUuid(tenantId) || token.tenantId !== tenantId.toLowerCase())
    throw new HttpError(404, "TENANT_NOT_FOUND");
  if (token.type !== "backend")
    throw new HttpError(403, "TOKEN_NOT_ALLOWED", "Frontend tokens cannot read telemetry");
  return inTenantScope(c, token.tenantId, next);
}

// Chained, so that the routes' types (hono/client) reach the site (site/src/lib/api-types.ts).
export const query = new Hono<AppEnv>()
  .use("*", tenantReader)
  .get("/traces", tracesQuery, async (c) => {
    const { listTraces } = await traces();
    const { attr, ...filters } = c.req.valid("query");
    return c.json(await listTraces(c.var.tenantTx, { ...filters, attributes: attr }));
  })
  .get("/traces/:traceId", traceParams, traceQuery, async (c) => {
    const { getTrace } = await traces();
    const trace = await getTrace(c.var.tenantTx, c.req.valid("param").traceId, c.req.valid("query").range);
    if (!trace) throw new HttpError(404, "TRACE_NOT_FOUND");
    return c.json(trace);
  })
  .get("/services", rangeQuery, async (c) => {
    const { servicesOverview } = await services();
    return c.json(await servicesOverview(c.var.tenantTx, c.req.valid("query")));
  })
  .get("/logs", logsQuery, async (c) => {
    const { searchLogs } = await logs();
    const { q, severity, ...filters } = c.req.valid("query");
    return c.json(await searchLogs(c.var.tenantTx, { ...filters, text: q, minSeverity: severity }));
  })
  .get("/logs/severity", severityQuery, async (c) => {
    const { severityCounts } = await logs();
    const { q, severity, step, ...filters } = c.req.valid("query");
    return c.json(await severityCounts(c.var.tenantTx, { ...filters, text: q, minSeverity: severity }, step));
  })
  .get("/metrics", rangeQuery, async (c) => {
    const { listMetricNames } = await metrics();
    return c.json({ metrics: await listMetricNames(c.var.tenantTx, c.req.valid("query")) });
  })
  .get("/metrics/:name", metricQuery, async (c) => {
    const { metricSeries } = await metrics();
    const { step, service, ...range } = c.req.valid("query");
    return c.json(await metricSeries(c.var.tenantTx, c.req.param("name"), range, step, service));
  })
  .get("/rum/vitals", vitalsQuery, async (c) => {
    const { vitalsReport } = await rum();
    const { step, route, ...range } = c.req.valid("query");
    return c.json(await vitalsReport(c.var.tenantTx, range, step, route));
  })
  .get("/rum/pages", pagesQuery, async (c) => {
    const { pagesReport } = await rum();
    const { step, ...range } = c.req.valid("query");
    return c.json(await pagesReport(c.var.tenantTx, range, step));
  })
  .get("/rum/geo", rangeQuery, async (c) => {
    const { geoReport } = await rum();
    return c.json(await geoReport(c.var.tenantTx, c.req.valid("query")));
  })
  .get("/rum/attribution", attributionQuery, async (c) => {
    const { attributionReport } = await rum();
    const { route, ...range } = c.req.valid("query");
    return c.json(await attributionReport(c.var.tenantTx, range, route));
  })
  .get("/rum/sessions", sessionsQuery, async (c) => {
    const { routeSessions } = await rum();
    const { route, limit, ...range } = c.req.valid("query");
    return c.json(await routeSessions(c.var.tenantTx, range, route, limit));
  });
