// Traces: a trace is listed by its root span (parent_span_id is null, a partial index read in the
// list's order); one trace is every span with its id. All queries run in the tenant's RLS
// transaction. spans is partitioned by day (migrations/0040): a per-root lookup of the trace's
// other spans is bounded to the root's TRACE_WINDOW (pruned at run time to the root's day or two)
// and to the list's range widened by that window, as constants, so the planner plans only those
// days' partitions instead of every day's (planning them all cost ~60 ms per request at 40 days).
// Ids are stored as bytes (migrations/0051) and speak hex here: hex order is byte order, so the
// list's (start_time, span_id) order and its cursors are unchanged.
import { sql, type SQL } from "drizzle-orm";
import type { Tx } from "../../../db/tenant-scope.ts";
import { encodeCursor, type Cursor } from "./cursor.ts";
import { iso } from "./iso.ts";
import type { TimeRange } from "./time-range.ts";

export const STATUS_CODES = { unset: 0, ok: 1, error: 2 } as const;

/**
 * Where a trace's spans are looked for around its root's start: an hour before (clock skew between
 * services) to a day after (long-running work). A span outside is not counted in the list (it is
 * still returned by getTrace, which reads every partition).
 */
const TRACE_WINDOW = { before: "1 hour", after: "1 day" } as const;
function inTraceWindow(span: string, root: string, { from, to }: TimeRange): SQL {
  const window = sql.raw(`${span}.start_time >= ${root}.start_time - interval '${TRACE_WINDOW.before}'
    and ${span}.start_time < ${root}.start_time + interval '${TRACE_WINDOW.after}'`);
  return sql`${window} and ${sql.raw(span)}.start_time >= ${from.toISOString()}::timestamptz - ${TRACE_WINDOW.before}::interval
    and ${sql.raw(span)}.start_time < ${to.toISOString()}::timestamptz + ${TRACE_WINDOW.after}::interval`;
}
export type StatusName = keyof typeof STATUS_CODES;
const STATUS_NAMES = ["unset", "ok", "error"] as const;

export type TraceFilters = TimeRange & {
  service?: string;
  name?: string;
  status?: StatusName;
  minDurationMs?: number;
  maxDurationMs?: number;
  /** key → value pairs; a trace is listed when one of its spans carries all of them. */
  attributes?: [string, string][];
  limit: number;
  cursor?: Cursor;
};

export type TraceSummary = {
  traceId: string;
  rootSpanId: string;
  name: string;
  service: string;
  startTime: string;
  durationMs: number;
  status: StatusName;
  spanCount: number;
  errorCount: number;
};

type SummaryRow = {
  trace_id: string;
  span_id: string;
  name: string;
  service_name: string;
  start_time: string;
  duration_ns: string;
  status_code: number;
  span_count: number;
  error_count: number;
};

export async function listTraces(
  tx: Tx,
  filters: TraceFilters,
): Promise<{ traces: TraceSummary[]; nextCursor: string | null }> {
  const { from, to, service, name, status, minDurationMs, maxDurationMs, attributes, limit, cursor } =
    filters;
  const { rows } = await tx.execute<SummaryRow>(sql`
    select encode(s.trace_id, 'hex') as trace_id, encode(s.span_id, 'hex') as span_id, s.name, s.service_name, ${iso("s.start_time")} as start_time, s.duration_ns,
      s.status_code, counts.span_count, counts.error_count
    from spans s
    cross join lateral (
      select count(*)::int as span_count, count(*) filter (where c.status_code = 2)::int as error_count
      from spans c where c.tenant_id = s.tenant_id and c.trace_id = s.trace_id and ${inTraceWindow("c", "s", filters)}
    ) counts
    where s.tenant_id = app_tenant_id() and s.parent_span_id is null
      and s.start_time >= ${from.toISOString()} and s.start_time < ${to.toISOString()}
      ${service ? sql`and s.service_name = ${service}` : sql``}
      ${name ? sql`and s.name = ${name}` : sql``}
      ${status ? sql`and s.status_code = ${STATUS_CODES[status]}` : sql``}
      ${minDurationMs !== undefined ? sql`and s.duration_ns >= ${Math.round(minDurationMs * 1e6)}` : sql``}
      ${maxDurationMs !== undefined ? sql`and s.duration_ns <= ${Math.round(maxDurationMs * 1e6)}` : sql``}
      ${attributes?.length ? sql`and exists (${spanWithAttributes(attributes, filters)})` : sql``}
      ${cursor ? sql`and (s.start_time, s.span_id) < (${cursor.time}::timestamptz, decode(${cursor.id}, 'hex'))` : sql``}
    order by s.start_time desc, s.span_id desc
    limit ${limit + 1}`);
  const page = rows.slice(0, limit);
  const last = page.at(-1);
  return {
    traces: page.map((row) => ({
      traceId: row.trace_id,
      rootSpanId: row.span_id,
      name: row.name,
      service: row.service_name,
      startTime: row.start_time,
      durationMs: Number(row.duration_ns) / 1e6,
      status: STATUS_NAMES[row.status_code] ?? "unset",
      spanCount: row.span_count,
      errorCount: row.error_count,
    })),
    nextCursor:
      rows.length > limit && last ? encodeCursor({ time: last.start_time, id: last.span_id }) : null,
  };
}

/**
 * A span of the same trace carrying every pair, as a span attribute or else a resource attribute.
 * Values are compared as text, so attr=http.status:500 matches the number 500 as well as the string
 * "500" (->> renders both as 500). The lookup rides the (tenant_id, trace_id, …) identity index:
 * one trace's spans per candidate root.
 */
function spanWithAttributes(attributes: [string, string][], range: TimeRange): SQL {
  const conditions = attributes.map(
    ([key, value]) => sql`coalesce(a.attributes ->> ${key}, a.resource ->> ${key}) = ${value}`,
  );
  return sql`select 1 from spans a where a.tenant_id = s.tenant_id and a.trace_id = s.trace_id
    and ${inTraceWindow("a", "s", range)} and ${sql.join(conditions, sql` and `)}`;
}

/**
 * A span's events and links as ingest stores them (worker/src/otlp/map-spans.ts); browser spans'
 * carry no attributes.
 */
export type SpanEvent = { time: string; name: string; attributes?: Record<string, unknown> };
export type SpanLink = { traceId: string; spanId: string; attributes?: Record<string, unknown> };

export type TraceSpan = {
  spanId: string;
  parentSpanId: string | null;
  name: string;
  service: string;
  kind: number;
  startTime: string;
  durationMs: number;
  status: StatusName;
  statusMessage: string | null;
  attributes: Record<string, unknown>;
  resource: Record<string, unknown>;
  events: SpanEvent[];
  links: SpanLink[];
};

/** Every span of the trace in start order, or null when the tenant has none with this id. */
/** A row of getTrace's query, as the driver returns it (duration_ns: bigint as text). */
type SpanRow = {
  span_id: string;
  parent_span_id: string | null;
  name: string;
  service_name: string;
  kind: number;
  start_time: string;
  duration_ns: string;
  status_code: number;
  status_message: string | null;
  attributes: Record<string, unknown>;
  resource: Record<string, unknown>;
  events: SpanEvent[] | null;
  links: SpanLink[] | null;
};

/**
 * A trace's spans (at most 10,000) in start order; with `range`, only those starting in it: the
 * identity index of each day partition is probed, and without a range that is every partition the
 * tenant's retention keeps (planning alone grows with the days: docs/query.md).
 */
export async function getTrace(
  tx: Tx,
  traceId: string,
  range?: TimeRange,
): Promise<{ traceId: string; spans: TraceSpan[] } | null> {
  const { rows } = await tx.execute<SpanRow>(sql`
    select encode(span_id, 'hex') as span_id, encode(parent_span_id, 'hex') as parent_span_id, name, service_name, kind, ${iso("start_time")} as start_time, duration_ns,
      status_code, status_message, attributes, resource, events, links
    from spans
    where tenant_id = app_tenant_id() and trace_id = decode(${traceId}, 'hex')
      ${range ? sql`and start_time >= ${range.from.toISOString()} and start_time < ${range.to.toISOString()}` : sql``}
    order by start_time, span_id
    limit 10000`);
  if (rows.length === 0) return null;
  return {
    traceId,
    spans: rows.map((row) => ({
      spanId: row.span_id,
      parentSpanId: row.parent_span_id,
      name: row.name,
      service: row.service_name,
      kind: row.kind,
      startTime: row.start_time,
      durationMs: Number(row.duration_ns) / 1e6,
      status: STATUS_NAMES[row.status_code] ?? "unset",
      statusMessage: row.status_message,
      attributes: row.attributes,
      resource: row.resource,
      events: row.events ?? [],
      links: row.links ?? [],
    })),
  };
}
