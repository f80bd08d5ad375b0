// Logs search: newest first in a time range, by minimum severity, service and text (a
// case-insensitive substring of the body; docs/query.md has the trigram-index plan for scale); and
// the same records counted per step and severity class, for the severity chart.
import { sql, type SQL } from "drizzle-orm";
import type { Tx } from "../../../db/tenant-scope.ts";
import { encodeCursor, type Cursor } from "./cursor.ts";
import { iso } from "./iso.ts";
import type { TimeRange } from "./time-range.ts";

export type LogFilters = TimeRange & {
  service?: string;
  minSeverity?: number;
  text?: string;
  traceId?: string;
  limit: number;
  cursor?: Cursor;
};

export type LogEntry = {
  time: string;
  service: string;
  severityNumber: number;
  severityText: string | null;
  body: string | null;
  attributes: Record<string, unknown>;
  resource: Record<string, unknown>;
  traceId: string | null;
  spanId: string | null;
};

export async function searchLogs(
  tx: Tx,
  filters: LogFilters,
): Promise<{ logs: LogEntry[]; nextCursor: string | null }> {
  const { limit, cursor } = filters;
  // Ordered by the column, not the output's "time" (its ISO text, which no index holds): the
  // newest matches come straight off the (tenant_id, time, record_key) index of each day,
  // stopping at the page, instead of sorting every match in the range.
  const { rows } = await tx.execute<Record<string, unknown>>(sql`
    select ${iso("time")} as time, record_key, service_name, severity_number, severity_text, body, attributes,
      resource, trace_id, span_id
    from log_records
    where ${matching(filters)}
      ${cursor ? sql`and (time, record_key) < (${cursor.time}::timestamptz, ${cursor.id})` : sql``}
    order by log_records.time desc, record_key desc
    limit ${limit + 1}`);
  const page = rows.slice(0, limit);
  const last = page.at(-1);
  return {
    logs: page.map((row) => ({
      time: row.time as string,
      service: row.service_name as string,
      severityNumber: row.severity_number as number,
      severityText: row.severity_text as string | null,
      body: row.body as string | null,
      attributes: row.attributes as Record<string, unknown>,
      resource: row.resource as Record<string, unknown>,
      traceId: row.trace_id as string | null,
      spanId: row.span_id as string | null,
    })),
    nextCursor:
      rows.length > limit && last
        ? encodeCursor({ time: last.time as string, id: last.record_key as string })
        : null,
  };
}

/** The filters' conditions, shared by the search and the severity counts. */
function matching({ from, to, service, minSeverity, text, traceId }: Omit<LogFilters, "limit">): SQL {
  return sql`tenant_id = app_tenant_id() and time >= ${from.toISOString()} and time < ${to.toISOString()}
    ${service ? sql`and service_name = ${service}` : sql``}
    ${minSeverity ? sql`and severity_number >= ${minSeverity}` : sql``}
    ${text ? sql`and body ilike ${`%${escapeLike(text)}%`}` : sql``}
    ${traceId ? sql`and trace_id = ${traceId}` : sql``}`;
}

/** OTLP severity ranges: 1–4 trace, 5–8 debug, 9–12 info, 13–16 warn, 17–20 error, 21–24 fatal. */
export const SEVERITY_CLASSES = ["unset", "trace", "debug", "info", "warn", "error", "fatal"] as const;
export type SeverityCounts = { time: string } & Record<(typeof SEVERITY_CLASSES)[number], number>;

/** Records per step and severity class matching the filters; every step is present. */
export async function severityCounts(
  tx: Tx,
  filters: Omit<LogFilters, "limit" | "cursor">,
  stepSeconds: number,
): Promise<{ stepSeconds: number; steps: SeverityCounts[] }> {
  const { rows } = await tx.execute<{ k: number; class: number; n: string }>(sql`
    select floor(extract(epoch from time - ${filters.from.toISOString()}::timestamptz) / ${stepSeconds})::int as k,
      ceil(severity_number / 4.0)::int as class, count(*) as n
    from log_records where ${matching(filters)}
    group by 1, 2`);
  const count = Math.ceil((filters.to.getTime() - filters.from.getTime()) / (stepSeconds * 1000));
  const steps = Array.from({ length: count }, (_, k) => ({
    time: new Date(filters.from.getTime() + k * stepSeconds * 1000).toISOString(),
    ...(Object.fromEntries(SEVERITY_CLASSES.map((name) => [name, 0])) as Record<
      (typeof SEVERITY_CLASSES)[number],
      number
    >),
  }));
  for (const row of rows) {
    const step = steps[row.k];
    const name = SEVERITY_CLASSES[row.class] ?? "unset";
    if (step) step[name] += Number(row.n);
  }
  return { stepSeconds, steps };
}

function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, (match) => `\\${match}`);
}
