// The services overview (RED): per service and span name, request rate, error rate and duration
// quantiles over a range, with a sparkline, read from the minute and hour rollups of entry spans
// (span_rollups, migrations/0022_span_rollups.sql; span_rollups_hourly, 0078) — never from the
// spans themselves, so its cost follows the number of operations and hours, not the traffic. One
// round trip.
import { sql, type SQL } from "drizzle-orm";
import type { Tx } from "../../../db/tenant-scope.ts";
import { mergeSketches, sketchOf, sketchQuantile, type Sketch } from "./duration-sketch.ts";
import { hourRowsUntil, SPARKLINE_BUCKETS, stepFor, type TimeRange } from "./time-range.ts";

const MAX_OPERATIONS = 500;

export type Red = {
  count: number;
  errors: number;
  /** Per second over the range. */
  rate: number;
  /** errors / count, 0 to 1. */
  errorRate: number;
  p50: number | null;
  p95: number | null;
  p99: number | null;
};
export type Operation = Red & { name: string; sparkline: { requests: number[]; errors: number[] } };
export type ServiceSummary = Red & { service: string; operations: Operation[] };
export type ServicesOverview = {
  from: string;
  to: string;
  stepSeconds: number;
  services: ServiceSummary[];
};

type Row = {
  service_name: string;
  span_name: string;
  count: string;
  errors: string;
  sketch: Record<string, string>;
  spark: [number, string, string][];
};

export async function servicesOverview(tx: Tx, range: TimeRange): Promise<ServicesOverview> {
  const stepSeconds = stepFor(range, SPARKLINE_BUCKETS);
  const from = range.from.toISOString();
  const { rows } = await tx.execute<Row>(sql`
    with r as (${rollupRows(range, stepSeconds)}), operations as (
      select service_name, span_name, sum(span_count) as count, sum(error_count) as errors
      from r group by 1, 2 order by count desc limit ${MAX_OPERATIONS}
    ), sketches as (
      select service_name, span_name, jsonb_object_agg(bucket, n) as sketch
      from (
        select service_name, span_name, key as bucket, sum(value::bigint) as n
        from r cross join jsonb_each_text(r.duration_sketch) group by 1, 2, 3
      ) b group by 1, 2
    ), sparks as (
      select service_name, span_name,
        jsonb_agg(jsonb_build_array(k, n, e) order by k) as spark
      from (
        select service_name, span_name, step.k, sum(span_count) as n, sum(error_count) as e
        from r cross join lateral (
          select floor(extract(epoch from r.time - ${from}::timestamptz) / ${stepSeconds})::int as k
        ) step group by 1, 2, 3
      ) s group by 1, 2
    )
    select o.service_name, o.span_name, o.count, o.errors, k.sketch, s.spark
    from operations o join sketches k using (service_name, span_name) join sparks s using (service_name, span_name)
    order by o.service_name, o.count desc, o.span_name`);
  const seconds = (range.to.getTime() - range.from.getTime()) / 1000;
  const buckets = Math.ceil(seconds / stepSeconds);
  const services = new Map<string, { operations: Operation[]; sketches: Sketch[] }>();
  for (const row of rows) {
    const sketch = sketchOf(row.sketch);
    const sparkline = {
      requests: new Array<number>(buckets).fill(0),
      errors: new Array<number>(buckets).fill(0),
    };
    // The minute holding `from` starts before it: its bucket index is −1, counted in the first.
    for (const [k, n, e] of row.spark) {
      const index = Math.min(Math.max(k, 0), buckets - 1);
      sparkline.requests[index] += Number(n);
      sparkline.errors[index] += Number(e);
    }
    const entry = services.get(row.service_name) ?? { operations: [], sketches: [] };
    entry.operations.push({
      name: row.span_name,
      ...red(Number(row.count), Number(row.errors), sketch, seconds),
      sparkline,
    });
    entry.sketches.push(sketch);
    services.set(row.service_name, entry);
  }
  return {
    from,
    to: range.to.toISOString(),
    stepSeconds,
    services: [...services].map(([service, { operations, sketches }]) => ({
      service,
      ...red(
        operations.reduce((sum, op) => sum + op.count, 0),
        operations.reduce((sum, op) => sum + op.errors, 0),
        mergeSketches(sketches),
        seconds,
      ),
      operations,
    })),
  };
}

/**
 * The range's rollup rows, each inside one sparkline step: hour rows where `hourRowsUntil` allows
 * (whole-hour steps from a whole hour: ranges from ~15 h up, as the dashboard asks them), then
 * minutes, the first being the one holding their start (the minute is the rollups' grain).
 */
function rollupRows(range: TimeRange, stepSeconds: number): SQL {
  const minutesFrom = new Date(hourRowsUntil(range, stepSeconds));
  const figures = sql`service_name, span_name, span_count, error_count, duration_sketch`;
  const minutes = sql`
    select minute as time, ${figures} from span_rollups
    where tenant_id = app_tenant_id()
      and minute >= date_bin('1 minute', ${minutesFrom.toISOString()}::timestamptz, timestamptz '2000-01-01 00:00:00+00')
      and minute < ${range.to.toISOString()}`;
  if (minutesFrom.getTime() === range.from.getTime()) return minutes;
  return sql`
    select time, ${figures} from span_rollups_hourly
    where tenant_id = app_tenant_id() and time >= ${range.from.toISOString()} and time < ${minutesFrom.toISOString()}
    union all ${minutes}`;
}

function red(count: number, errors: number, sketch: Sketch, seconds: number): Red {
  return {
    count,
    errors,
    rate: count / seconds,
    errorRate: count ? errors / count : 0,
    p50: sketchQuantile(0.5, sketch),
    p95: sketchQuantile(0.95, sketch),
    p99: sketchQuantile(0.99, sketch),
  };
}
