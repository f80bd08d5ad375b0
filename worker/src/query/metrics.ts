// Metric series: one metric's points in a range turned into one point per step with the metric's
// own semantics (worker/src/query/metric-steps.ts), one series per attribute set (the 20 with most
// points). Also the metric names seen in a range, for pickers. Shapes: docs/query.md.
import { sql } from "drizzle-orm";
import type { Tx } from "../../../db/tenant-scope.ts";
import type { ExponentialBuckets } from "../otlp/map-metrics.ts";
import { exponentialOf } from "./bucket-quantiles.ts";
import { semanticsOf, stepPoints, type RawPoint, type Semantics, type StepPoint } from "./metric-steps.ts";
import type { TimeRange } from "./time-range.ts";

const MAX_SERIES = 20;
/** Raw points read for one chart; past it the newest are kept and `truncated` says so. */
const MAX_POINTS = 50_000;

export type MetricSeries = {
  name: string;
  unit: string | null;
  type: string | null;
  semantics: Semantics | null;
  stepSeconds: number;
  truncated: boolean;
  series: { attributes: Record<string, unknown>; points: StepPoint[] }[];
};

type Row = {
  attributes: Record<string, unknown>;
  stream: string;
  unit: string | null;
  type: string;
  is_monotonic: boolean | null;
  temporality: number | null;
  time_ms: number;
  start_ms: number | null;
  value: number | null;
  count: string | null;
  sum: number | null;
  min: number | null;
  max: number | null;
  bucket_counts: number[] | null;
  explicit_bounds: number[] | null;
  exponential_buckets: ExponentialBuckets | null;
  quantiles: { quantile: number; value: number }[] | null;
};

export async function metricSeries(
  tx: Tx,
  name: string,
  range: TimeRange,
  stepSeconds: number,
  service?: string,
): Promise<MetricSeries> {
  const stepMs = stepSeconds * 1000;
  const from = range.from.getTime();
  // One step before the range: a cumulative series' baseline for the first step.
  const windowStart = from - stepMs;
  const { rows } = await tx.execute<Row>(sql`
    with latest as (
      select type from metric_points
      where tenant_id = app_tenant_id() and name = ${name}
        and time >= ${new Date(windowStart).toISOString()} and time < ${range.to.toISOString()}
        ${service ? sql`and service_name = ${service}` : sql``}
      order by time desc limit 1
    ), points as (
      select * from metric_points
      where tenant_id = app_tenant_id() and name = ${name} and type = (select type from latest)
        and time >= ${new Date(windowStart).toISOString()} and time < ${range.to.toISOString()}
        ${service ? sql`and service_name = ${service}` : sql``}
    ), top as (
      select attributes from points group by attributes order by count(*) desc limit ${MAX_SERIES}
    )
    select p.attributes, p.service_name || ' ' || md5(p.resource::text) as stream, p.unit, p.type,
      p.is_monotonic, p.temporality, extract(epoch from p.time) * 1000 as time_ms,
      extract(epoch from p.start_time) * 1000 as start_ms, p.value, p.count, p.sum, p.min, p.max,
      p.bucket_counts, p.explicit_bounds, p.exponential_buckets, p.quantiles
    from points p join top using (attributes)
    order by p.time desc
    limit ${MAX_POINTS + 1}`);
  const latest = rows[0];
  const semantics = latest ? semanticsOf(latest.type, latest.is_monotonic) : null;
  const steps = {
    from,
    stepMs,
    count: Math.ceil((range.to.getTime() - from) / stepMs),
    windowStart,
  };
  const series = new Map<string, { attributes: Record<string, unknown>; points: RawPoint[] }>();
  for (const row of rows.slice(0, MAX_POINTS)) {
    const key = JSON.stringify(row.attributes);
    const entry = series.get(key) ?? { attributes: row.attributes, points: [] };
    entry.points.push(rawPointOf(row, key));
    series.set(key, entry);
  }
  return {
    name,
    unit: latest?.unit ?? null,
    type: latest?.type ?? null,
    semantics,
    stepSeconds,
    truncated: rows.length > MAX_POINTS,
    series: [...series.values()].map(({ attributes, points }) => ({
      attributes,
      points: stepPoints(semantics!, points, steps),
    })),
  };
}

function rawPointOf(row: Row, series: string): RawPoint {
  const number = (value: unknown) => (value === null ? null : Number(value));
  return {
    stream: `${series} ${row.stream}`,
    time: Number(row.time_ms),
    startTime: number(row.start_ms),
    delta: row.temporality === 1,
    value: number(row.value),
    count: number(row.count),
    sum: number(row.sum),
    min: number(row.min),
    max: number(row.max),
    explicit:
      row.bucket_counts && row.explicit_bounds
        ? { counts: row.bucket_counts, bounds: row.explicit_bounds }
        : null,
    exponential: row.exponential_buckets ? exponentialOf(row.exponential_buckets) : null,
    quantiles: row.quantiles,
  };
}

export async function listMetricNames(
  tx: Tx,
  range: TimeRange,
): Promise<{ name: string; unit: string | null; type: string }[]> {
  const { rows } = await tx.execute<{ name: string; unit: string | null; type: string }>(sql`
    select name, max(unit) as unit, max(type) as type from metric_points
    where tenant_id = app_tenant_id() and time >= ${range.from.toISOString()} and time < ${range.to.toISOString()}
    group by name order by name limit 500`);
  return rows;
}
