// Telemetry reads for one tenant: /api/tenants/:tid/{traces,logs,metrics,rum/*}. A member's
// session or the tenant's backend token may read; a frontend token never can (it ships in web
// pages). Every query runs in the tenant's RLS transaction. Shapes: docs/query.md.
import { Hono, type Context, type Next } from "hono";
import type { AppEnv } from "../env.ts";
import { HttpError } from "../errors.ts";
import { authenticateBearer } from "../middleware/api-token.ts";
import { sessionOf } from "../middleware/session.ts";
import { admitMember, inTenantScope, isUuid } from "../middleware/tenant.ts";
import { decodeCursor } from "../query/cursor.ts";
import { parseLimit, parseStep, parseTimeRange, type Parsed } from "../query/time-range.ts";
import type { StatusName } from "../query/traces.ts";

export const query = new Hono<AppEnv>();

// The query modules, each loaded by the first request that needs it: code only telemetry reads use
// stays out of the Worker's start-up (docs/round-trips.md, "Cold start").
const traces = () => import("../query/traces.ts");
const services = () => import("../query/services.ts");
const logs = () => import("../query/logs.ts");
const metrics = () => import("../query/metrics.ts");
const rum = () => import("../query/rum.ts");

const HEX_TRACE_ID = /^[0-9a-f]{32}$/;
/** A traces page ends at a root span, whose id the query decodes to bytes: anything else is forged. */
const HEX_SPAN_ID = /^[0-9a-f]{16}$/;
const MAX_ATTRIBUTE_FILTERS = 10;
/** Routes are at most 12 segments of 64 characters (rum-sdk/src/route-template.ts); with slack. */
const MAX_ROUTE_CHARS = 1000;

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

query.use("*", tenantReader);

query.get("/traces", async (c) => {
  const { listTraces, STATUS_CODES } = await traces();
  const q = c.req.query();
  const range = valid(parseTimeRange(q));
  const status = q.status as StatusName | undefined;
  if (status !== undefined && !(status in STATUS_CODES)) throw invalidField("status", "unset, ok or error");
  const result = await listTraces(c.var.tenantTx, {
    ...range,
    service: q.service || undefined,
    name: q.name || undefined,
    status,
    minDurationMs: durationOf(q, "minDurationMs"),
    maxDurationMs: durationOf(q, "maxDurationMs"),
    attributes: attributeFilters(c.req.queries("attr") ?? []),
    limit: valid(parseLimit(q.limit)),
    cursor: cursorOf(q.cursor, HEX_SPAN_ID),
  });
  return c.json(result);
});

query.get("/traces/:traceId", async (c) => {
  const { getTrace } = await traces();
  const traceId = c.req.param("traceId").toLowerCase();
  if (!HEX_TRACE_ID.test(traceId)) throw invalidField("traceId", "32 hex characters");
  const trace = await getTrace(c.var.tenantTx, traceId);
  if (!trace) throw new HttpError(404, "TRACE_NOT_FOUND");
  return c.json(trace);
});

query.get("/services", async (c) => {
  const { servicesOverview } = await services();
  return c.json(await servicesOverview(c.var.tenantTx, valid(parseTimeRange(c.req.query()))));
});

query.get("/logs", async (c) => {
  const { searchLogs } = await logs();
  const q = c.req.query();
  const result = await searchLogs(c.var.tenantTx, {
    ...logFilters(q),
    limit: valid(parseLimit(q.limit, 100, 1000)),
    cursor: cursorOf(q.cursor),
  });
  return c.json(result);
});

query.get("/logs/severity", async (c) => {
  const { severityCounts } = await logs();
  const q = c.req.query();
  const filters = logFilters(q);
  return c.json(await severityCounts(c.var.tenantTx, filters, valid(parseStep(q.step, filters))));
});

/** The filters the log search and the severity counts share. */
function logFilters(q: Record<string, string>) {
  const minSeverity = q.severity === undefined ? undefined : Number(q.severity);
  if (
    minSeverity !== undefined &&
    !(Number.isInteger(minSeverity) && minSeverity >= 1 && minSeverity <= 24)
  ) {
    throw invalidField("severity", "a severity number from 1 to 24");
  }
  if (q.traceId !== undefined && !HEX_TRACE_ID.test(q.traceId))
    throw invalidField("traceId", "32 hex characters");
  if (q.q !== undefined && q.q.length > 200) throw invalidField("q", "at most 200 characters");
  return {
    ...valid(parseTimeRange(q)),
    service: q.service || undefined,
    minSeverity,
    text: q.q || undefined,
    traceId: q.traceId,
  };
}

query.get("/metrics", async (c) => {
  const { listMetricNames } = await metrics();
  return c.json({ metrics: await listMetricNames(c.var.tenantTx, valid(parseTimeRange(c.req.query()))) });
});

query.get("/metrics/:name", async (c) => {
  const { metricSeries } = await metrics();
  const q = c.req.query();
  const range = valid(parseTimeRange(q));
  const step = valid(parseStep(q.step, range));
  return c.json(await metricSeries(c.var.tenantTx, c.req.param("name"), range, step, q.service || undefined));
});

query.get("/rum/vitals", async (c) => {
  const { vitalsReport } = await rum();
  const q = c.req.query();
  const range = valid(parseTimeRange(q));
  return c.json(
    await vitalsReport(c.var.tenantTx, range, valid(parseStep(q.step, range)), routeParam(q, false)),
  );
});

query.get("/rum/pages", async (c) => {
  const { pagesReport } = await rum();
  const q = c.req.query();
  const range = valid(parseTimeRange(q));
  return c.json(await pagesReport(c.var.tenantTx, range, valid(parseStep(q.step, range))));
});

query.get("/rum/geo", async (c) => {
  const { geoReport } = await rum();
  return c.json(await geoReport(c.var.tenantTx, valid(parseTimeRange(c.req.query()))));
});

query.get("/rum/attribution", async (c) => {
  const { attributionReport } = await rum();
  const q = c.req.query();
  return c.json(await attributionReport(c.var.tenantTx, valid(parseTimeRange(q)), routeParam(q, false)));
});

query.get("/rum/sessions", async (c) => {
  const { routeSessions } = await rum();
  const q = c.req.query();
  const range = valid(parseTimeRange(q));
  const limit = valid(parseLimit(q.limit, 20, 100));
  return c.json(await routeSessions(c.var.tenantTx, range, routeParam(q, true)!, limit));
});

/** `route`: a route as the RUM views name it (`/blog/:id`); required where `needed`. */
function routeParam(q: Record<string, string>, needed: boolean): string | undefined {
  const route = q.route || undefined;
  if (route === undefined && !needed) return undefined;
  if (route === undefined || !route.startsWith("/") || route.length > MAX_ROUTE_CHARS)
    throw invalidField("route", `a route starting with / (at most ${MAX_ROUTE_CHARS} characters)`);
  return route;
}

function valid<T>(parsed: Parsed<T>): T {
  if (!parsed.ok) throw new HttpError(400, "INVALID_REQUEST", parsed.message);
  return parsed.value;
}

function invalidField(field: string, expected: string): HttpError {
  return new HttpError(400, "INVALID_REQUEST", `${field} must be ${expected}`);
}

function durationOf(q: Record<string, string>, field: string): number | undefined {
  if (q[field] === undefined || q[field] === "") return undefined;
  const ms = Number(q[field]);
  if (!(ms >= 0)) throw invalidField(field, "a number ≥ 0");
  return ms;
}

/** attr=key:value, repeatable (AND): split at the first colon; the value may hold more. */
function attributeFilters(values: string[]): [string, string][] {
  if (values.length > MAX_ATTRIBUTE_FILTERS)
    throw invalidField("attr", `given at most ${MAX_ATTRIBUTE_FILTERS} times`);
  return values.map((text) => {
    const colon = text.indexOf(":");
    if (colon < 1 || text.length > 1024)
      throw invalidField("attr", "key:value with a non-empty key, at most 1024 characters");
    return [text.slice(0, colon), text.slice(colon + 1)];
  });
}

function cursorOf(text: string | undefined, id = /^/) {
  const cursor = decodeCursor(text);
  if (cursor === null || (cursor && !id.test(cursor.id)))
    throw invalidField("cursor", "a cursor from a previous page");
  return cursor;
}
