// Metric series: one metric's points in a range turned into one point per step with the metric's
// own semantics (worker/src/query/metric-steps.ts), one series per attribute set (the 20 with most
// points). When the steps are whole minutes or hours, a series reads buckets of a minute or an hour
// instead of its points: gauges and sums their first and last points and gain (metric_rollups,
// migration 0071), histograms and summaries their first and last points (metric_histogram_rollups,
// 0075) or, for delta histograms, the bucket's points merged into one (0076), and the points
// themselves only of the buckets those do not stand for.
// Also the metric names seen in a range, for pickers. Shapes: docs/query.md.
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

/** metric_rollups' bucket widths, widest first: a series uses the widest its step is a multiple of. */
const GRAINS_SECONDS = [3600, 60];

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
  /** Bucket rows only: the bucket's point count, its first point and its gain. */
  points: number | null;
  first_ms: number | null;
  first_start_ms: number | null;
  first_value: number | null;
  gain: number | null;
};

/** A gauge's or sum's bucket columns, null for rows that are points. */
const noBucket = sql`null::integer as points, null::numeric as first_ms, null::numeric as first_start_ms,
  null::float8 as first_value, null::float8 as gain`;

/** A raw point (metric_points as p) as a Row. */
const pointColumns = sql`p.attributes, p.service_name || ' ' || md5(p.resource::text) as stream, p.unit,
  p.type, p.is_monotonic, p.temporality, extract(epoch from p.time) * 1000 as time_ms,
  extract(epoch from p.start_time) * 1000 as start_ms, p.value, p.count, p.sum, p.min, p.max,
  p.bucket_counts, p.explicit_bounds, p.exponential_buckets, p.quantiles, ${noBucket}`;

export async function metricSeries(
  tx: Tx,
  name: string,
  range: TimeRange,
  stepSeconds: number,
  service?: string,
): Promise<MetricSeries> {
  const stepMs = stepSeconds * 1000;
  // Steps of whole minutes (hours) start and end on whole minutes (hours): buckets then lie in
  // one step each, and the range holds whole buckets.
  const grain = GRAINS_SECONDS.find((seconds) => stepSeconds % seconds === 0) ?? null;
  const grainMs = grain === null ? 1 : grain * 1000;
  const from = Math.floor(range.from.getTime() / grainMs) * grainMs;
  const to = Math.ceil(range.to.getTime() / grainMs) * grainMs;
  // One step before the range: a cumulative series' baseline for the first step.
  const windowStart = from - stepMs;
  const window = { from: new Date(windowStart).toISOString(), to: new Date(to).toISOString() };
  const byService = service ? sql`and service_name = ${service}` : sql``;
  const inWindow = sql`tenant_id = app_tenant_id() and name = ${name}
    and time >= ${window.from} and time < ${window.to} ${byService}`;
  const rolledUp = grain !== null;
  const { rows } = await tx.execute<Row>(sql`
    with latest as (
      select type from metric_points where ${inWindow} order by time desc limit 1
    ), points as (
      select * from metric_points where ${inWindow} and type = (select type from latest) and not ${rolledUp}
    ), buckets as (
      select * from metric_rollups
      where ${inWindow} and seconds = ${grain ?? 0} and type = (select type from latest) and ${rolledUp}
    ), ends as (
      -- A bucket's last point; its first too when it holds more and telescopes (summaries show
      -- their last point only); or its delta points merged (role 3). A bucket that is neither is
      -- read from its points below.
      select * from metric_histogram_rollups
      where ${inWindow} and seconds = ${grain ?? 0} and type = (select type from latest) and ${rolledUp}
        and (role in (2, 3) or (points > 1 and telescopes and type <> 'summary'))
    ), top as (
      select attributes from (
        select attributes, 1 as n from points
        union all select attributes, points from buckets
        union all select attributes, points from ends where role in (2, 3)
      ) as counted
      group by attributes order by sum(n) desc limit ${MAX_SERIES}
    )
    select ${pointColumns} from points p join top using (attributes)
    union all
    select b.attributes, b.service_name || ' ' || b.resource_hash, b.unit, b.type, b.is_monotonic,
      b.temporality, extract(epoch from b.last_time) * 1000, extract(epoch from b.last_start) * 1000,
      b.last_value, null, null, null, null, null, null, null, null, b.points,
      extract(epoch from b.first_time) * 1000, extract(epoch from b.first_start) * 1000, b.first_value,
      b.gain
    from buckets b join top using (attributes)
    union all
    select e.attributes, e.service_name || ' ' || e.resource_hash, e.unit, e.type, null, e.temporality,
      extract(epoch from e.point_time) * 1000, extract(epoch from e.start_time) * 1000, null, e.count,
      e.sum, e.min, e.max, e.bucket_counts, e.explicit_bounds, e.exponential_buckets, e.quantiles,
      ${noBucket}
    from ends e join top using (attributes)
    where e.telescopes or e.type = 'summary' or e.role = 3
    union all
    select ${pointColumns} from ends e join top using (attributes)
    cross join lateral (
      select * from metric_points p
      where p.tenant_id = e.tenant_id and p.name = e.name and p.time >= e.time
        and p.time < e.time + make_interval(secs => e.seconds) and p.type = e.type
        and p.service_name = e.service_name and p.attributes = e.attributes
        and md5(p.resource::text) = e.resource_hash
    ) as p
    where not e.telescopes and e.type <> 'summary' and e.role = 2
    order by time_ms desc
    limit ${MAX_POINTS + 1}`);
  const latest = rows[0];
  const semantics = latest ? semanticsOf(latest.type, latest.is_monotonic) : null;
  const steps = { from, stepMs, count: Math.ceil((to - from) / stepMs), windowStart };
  const series = new Map<string, { attributes: Record<string, unknown>; points: RawPoint[] }>();
  for (const row of rows.slice(0, MAX_POINTS)) {
    const key = JSON.stringify(row.attributes);
    const entry = series.get(key) ?? { attributes: row.attributes, points: [] };
    const point = rawPointOf(row, key);
    entry.points.push(...(row.points === null ? [point] : bucketPoints(row, point, semantics!)));
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

/**
 * A bucket as the points the series math needs of it: a value's last point; a delta counter's
 * sum; a cumulative counter's first point and its last one, carrying the increase between them
 * (the gain, computed from all the bucket's points).
 */
function bucketPoints(row: Row, last: RawPoint, semantics: Semantics): RawPoint[] {
  if (semantics !== "rate") return [last];
  const gain = Number(row.gain);
  if (last.delta) return [{ ...last, value: gain }];
  const first = {
    ...last,
    time: Number(row.first_ms),
    startTime: row.first_start_ms === null ? null : Number(row.first_start_ms),
    value: row.first_value === null ? null : Number(row.first_value),
  };
  return Number(row.points) > 1 ? [first, { ...last, increase: gain }] : [first];
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

/** The picker's bound: more names than this are not a list anyone picks from. */
const MAX_NAMES = 500;

type MetricName = { name: string; unit: string | null; type: string };

/**
 * The metric names seen in a range, each with its newest point's unit and type, from the names'
 * hour rows (migrations/0077_metric_name_hours.sql): names x hours rows, whatever the traffic. A
 * name's newest hour row overlapping the range (its first point before `to`, its last at or after
 * `from`) is exact when all its points lie inside the range; otherwise the hour also holds points
 * outside it, and the name's newest point in the hour's part of the range is read from the points.
 * That hour is the only place such a point can be: an hour row with its first point before `from`
 * holds `from`, so an older hour row has no point in the range either. The points are read by a
 * second statement, only when a row is not exact (never when the range ends now and no point is
 * ahead of the clock): as a branch of the first, its probe of metric_points was planned for every
 * partition of the table, ~12 ms of planning at 42 day partitions for a branch that never runs.
 */
export async function listMetricNames(tx: Tx, range: TimeRange): Promise<MetricName[]> {
  const from = range.from.toISOString();
  const to = range.to.toISOString();
  const { rows } = await tx.execute<MetricName & { hour: string; exact: boolean }>(sql`
    select distinct on (h.name) h.name, h.unit, h.type, h.time as hour,
      h.first_time >= ${from} and h.last_time < ${to} as exact
    from metric_name_hours h
    where h.tenant_id = app_tenant_id()
      and h.time >= date_trunc('hour', ${from}::timestamptz, 'UTC') and h.time < ${to}
      and h.first_time < ${to} and h.last_time >= ${from}
    order by h.name, h.time desc
    limit ${MAX_NAMES}`);
  const straddling = rows.filter((row) => !row.exact).map(({ name, hour }) => ({ name, hour }));
  const inRange = new Map<string, MetricName>();
  if (straddling.length > 0) {
    const { rows: probed } = await tx.execute<MetricName>(sql`
      select s.name, point.unit, point.type
      from jsonb_to_recordset(${JSON.stringify(straddling)}::jsonb) as s(name text, hour timestamptz)
      cross join lateral (
        select p.unit, p.type from metric_points p
        where p.tenant_id = app_tenant_id() and p.name = s.name
          and p.time >= ${from} and p.time < ${to}
          and p.time >= s.hour and p.time < s.hour + interval '1 hour'
        order by p.time desc limit 1
      ) as point`);
    for (const row of probed) inRange.set(row.name, row);
  }
  return rows.flatMap(({ name, unit, type, exact }) => {
    const named = exact ? { name, unit, type } : inRange.get(name);
    return named ? [named] : [];
  });
}
