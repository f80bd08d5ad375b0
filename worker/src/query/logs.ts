// Logs search: newest first in a time range, by minimum severity, service and text (a
// case-insensitive substring of the body, the newest records searched first: docs/query.md); and
// the same records counted per step and severity class, for the severity chart.
import { sql, type SQL } from "drizzle-orm";
import type { Tx } from "../../../db/tenant-scope.ts";
import { encodeCursor, type Cursor } from "./cursor.ts";
import { iso } from "./iso.ts";
import { hourRowsUntil, type TimeRange } from "./time-range.ts";

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

/**
 * The newest records of the range (with every filter but the text) a text search looks through
 * first: a term in one record in a hundred fills a page of 50 from them.
 */
const NEWEST_WINDOW = 5_000;

export async function searchLogs(
  tx: Tx,
  filters: LogFilters,
): Promise<{ logs: LogEntry[]; nextCursor: string | null }> {
  const { limit, cursor, text } = filters;
  const columns = sql`${iso("time")} as time, time as at, record_key, service_name, severity_number,
    severity_text, body, attributes, resource, trace_id, span_id`;
  const afterCursor = cursor
    ? sql`and (time, record_key) < (${cursor.time}::timestamptz, ${cursor.id})`
    : sql``;
  const where = sql`${matching({ ...filters, text: undefined })} ${afterCursor}`;
  // Ordered by the column, not the output's "time" (its ISO text, which no index holds): the
  // newest records come straight off the (tenant_id, time, record_key) index of each day,
  // stopping at the page, instead of sorting every record in the range.
  const newest = sql`order by log_records.time desc, record_key desc`;
  // With a text filter Postgres cannot estimate how many records match (`ilike '%…%'`: it guesses
  // a handful), so it would read and sort every record of the range. The newest NEWEST_WINDOW
  // records are searched first, read lazily off the index: when they hold a page, that is the
  // answer, since every other record is older. Only when they do not is the rest of the range
  // searched, older than the window's oldest record (a one-time filter: skipped otherwise, and
  // when the window is short of NEWEST_WINDOW, since it then holds the whole range: the scan would
  // only read the day partitions, which every tenant shares, for nothing).
  const { rows } = await tx.execute<Record<string, unknown>>(
    text
      ? sql`
    with recent as (
      select ${columns} from log_records where ${where} ${newest} limit ${NEWEST_WINDOW}
    ), hits as (
      select * from recent where body ilike ${likePattern(text)} order by at desc, record_key desc
      limit ${limit + 1}
    ), oldest as (
      select at, record_key from recent order by at, record_key limit 1
    )
    select * from hits
    union all
    select * from (
      select ${columns} from log_records
      where ${matching(filters)} ${afterCursor}
        and (time, record_key) < (select at, record_key from oldest)
      ${newest} limit ${limit + 1}
    ) as older
    where (select count(*) from hits) <= ${limit} and (select count(*) from recent) = ${NEWEST_WINDOW}
    order by at desc, record_key desc
    limit ${limit + 1}`
      : sql`select ${columns} from log_records where ${where} ${newest} limit ${limit + 1}`,
  );
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
    ${text ? sql`and body ilike ${likePattern(text)}` : sql``}
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
  const from = sql`${filters.from.toISOString()}::timestamptz`;
  const stepOf = sql`floor(extract(epoch from time - ${from}) / ${stepSeconds})::int`;
  const classOf = sql`ceil(severity_number / 4.0)::int`;
  const { rows } = await tx.execute<{ k: number; class: number; n: string }>(
    filters.text || filters.traceId || stepSeconds % 60 !== 0
      ? sql`select ${stepOf} as k, ${classOf} as class, count(*) as n
          from log_records where ${matching(filters)} group by 1, 2`
      : rolledUpCounts(filters, stepSeconds, stepOf, classOf),
  );
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

const MINUTE_MS = 60_000;

/**
 * The counts from the minute rollups (log_severity_rollups, migration 0073) for every minute that
 * lies inside the range and inside one step, and from the records themselves for the others: the
 * range's partial first and last minutes, and the minute holding each step boundary when the
 * range does not start on a whole minute. So the steps are exactly those of the records, and a
 * range costs its minutes plus one minute of records per step, whatever the volume. When the
 * steps are whole hours from a whole hour (a chart of days that starts on one), the range's
 * whole hours come from the hour rollups (0074) and only its last, partial hour from minutes.
 */
function rolledUpCounts(
  filters: Omit<LogFilters, "limit" | "cursor">,
  stepSeconds: number,
  stepOf: SQL,
  classOf: SQL,
): SQL {
  const [from, to] = [filters.from.getTime(), filters.to.getTime()];
  const minutesFrom = hourRowsUntil(filters, stepSeconds);
  const floorMinute = (ms: number) => Math.floor(ms / MINUTE_MS) * MINUTE_MS;
  const partial = new Set<number>();
  if (from % MINUTE_MS) {
    for (let boundary = from; boundary < to; boundary += stepSeconds * 1000)
      partial.add(floorMinute(boundary));
  }
  if (to % MINUTE_MS) partial.add(floorMinute(to));
  const minutes = `{${[...partial].map((ms) => new Date(ms).toISOString()).join(",")}}`;
  // The rollups have the columns the filters of this path use (no text, no trace).
  const hours = sql`select ${stepOf} as k, ${classOf} as class, count as n from log_severity_rollups_hourly
      where ${matching({ ...filters, to: new Date(minutesFrom) })}
      union all`;
  return sql`
    select k, class, sum(n)::bigint as n from (
      ${minutesFrom > from ? hours : sql``}
      select ${stepOf} as k, ${classOf} as class, count as n from log_severity_rollups
      where ${matching({ ...filters, from: new Date(minutesFrom) })} and time <> all (${minutes}::timestamptz[])
      union all
      select ${stepOf}, ${classOf}, 1 from unnest(${minutes}::timestamptz[]) as m(start)
      cross join lateral (
        -- OFFSET 0 keeps this a probe of each day's (tenant_id, time) index per minute: without
        -- it Postgres read every record of the range once and compared each with every minute
        -- (EXPLAIN ANALYZE at 10 M spans, 7 days: 755 → 66 ms).
        select time, severity_number from log_records
        where ${matching(filters)} and time >= m.start and time < m.start + interval '1 minute'
        offset 0
      ) as r
    ) as counted
    group by 1, 2`;
}

/** A case-insensitive substring match of `text`, its own wildcards escaped. */
function likePattern(text: string): string {
  return `%${text.replace(/[\\%_]/g, (match) => `\\${match}`)}%`;
}
