// Logs search: newest first in a time range, by minimum severity, service and text (a
// case-insensitive substring of the body; docs/query.md has the trigram-index plan for scale).
import { sql } from "drizzle-orm";
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
  traceId: string | null;
  spanId: string | null;
};

export async function searchLogs(
  tx: Tx,
  filters: LogFilters,
): Promise<{ logs: LogEntry[]; nextCursor: string | null }> {
  const { from, to, service, minSeverity, text, traceId, limit, cursor } = filters;
  const { rows } = await tx.execute<Record<string, unknown>>(sql`
    select ${iso("time")} as time, record_key, service_name, severity_number, severity_text, body, attributes,
      trace_id, span_id
    from log_records
    where tenant_id = app_tenant_id() and time >= ${from.toISOString()} and time < ${to.toISOString()}
      ${service ? sql`and service_name = ${service}` : sql``}
      ${minSeverity ? sql`and severity_number >= ${minSeverity}` : sql``}
      ${text ? sql`and body ilike ${`%${escapeLike(text)}%`}` : sql``}
      ${traceId ? sql`and trace_id = ${traceId}` : sql``}
      ${cursor ? sql`and (time, record_key) < (${cursor.time}::timestamptz, ${cursor.id})` : sql``}
    order by time desc, record_key desc
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
      traceId: row.trace_id as string | null,
      spanId: row.span_id as string | null,
    })),
    nextCursor:
      rows.length > limit && last
        ? encodeCursor({ time: last.time as string, id: last.record_key as string })
        : null,
  };
}

function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, (match) => `\\${match}`);
}
