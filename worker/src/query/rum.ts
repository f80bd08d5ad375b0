// Real-user monitoring summaries, read from the hourly or daily rollups (rum_rollups[_daily], maintained as events
// are stored: migrations/0036_rum_store.sql) and the Web Vitals cells compacted from them
// (rum_vitals_daily / _hourly: 0066–0068), never from raw events: Web Vitals as p75, rating
// shares and breakdowns by route, device class, network class and country; page views per route
// and over time; where visitors were. Each is one statement whose work follows the rollup rows or
// cells in the range, not the traffic. The drill-downs read tables of their own, written as events
// are stored: attribution targets (rum_targets[_daily], 0079–0080) and the sessions of a route
// (rum_sessions, 0081).
import { sql, type SQL } from "drizzle-orm";
import type { Tx } from "../../../db/tenant-scope.ts";
import { DAY_MS } from "../retention/policy.ts";
import { iso } from "./iso.ts";
import type { TimeRange } from "./time-range.ts";
import { countOf, quantileOf, ZERO_BUCKET, type Sketch } from "./vital-sketch.ts";

export const VITALS = ["LCP", "FCP", "CLS", "INP", "TTFB"] as const;
export type Vital = (typeof VITALS)[number];

/**
 * web.dev thresholds: ≤ good is good, > poor is poor, between is "needs improvement". Postgres
 * counts ratings at ingest with the same numbers (rum_rating; tests/worker/rum-rollups.test.ts).
 */
export const VITAL_THRESHOLDS: Record<Vital, { good: number; poor: number; unit: "ms" | "score" }> = {
  LCP: { good: 2500, poor: 4000, unit: "ms" },
  FCP: { good: 1800, poor: 3000, unit: "ms" },
  CLS: { good: 0.1, poor: 0.25, unit: "score" },
  INP: { good: 200, poor: 500, unit: "ms" },
  TTFB: { good: 800, poor: 1800, unit: "ms" },
};

export type Rating = "good" | "needs-improvement" | "poor";
export function ratingOf(vital: Vital, value: number): Rating {
  const { good, poor } = VITAL_THRESHOLDS[vital];
  return value <= good ? "good" : value <= poor ? "needs-improvement" : "poor";
}

/**
 * Rollups come in two grains: hourly, and daily for ranges longer than DAILY_AFTER_MS (one row per
 * key and day instead of 24). A series step is a whole number of the grain, at least the one
 * asked for; the range starts at the grain holding `from`.
 */
const GRAINS = {
  hour: {
    table: sql.raw("rum_rollups"),
    targets: sql.raw("rum_targets"),
    seconds: 3600,
    width: "1 hour",
    vitals: {
      cells: sql.raw("rum_vitals_hourly"),
      stale: sql.raw("rum_vitals_stale_hours"),
      widthColumn: sql.raw("hours"),
      blocks: [1, 2, 4, 8, 16],
    },
  },
  day: {
    table: sql.raw("rum_rollups_daily"),
    targets: sql.raw("rum_targets_daily"),
    seconds: 86_400,
    width: "1 day",
    vitals: {
      cells: sql.raw("rum_vitals_daily"),
      stale: sql.raw("rum_vitals_stale"),
      widthColumn: sql.raw("days"),
      blocks: [1, 2, 4, 8, 16, 32, 64],
    },
  },
} as const;
const DAILY_AFTER_MS = 3 * DAY_MS;
type Grain = (typeof GRAINS)[keyof typeof GRAINS];

export function grainOf(range: TimeRange): Grain {
  return range.to.getTime() - range.from.getTime() > DAILY_AFTER_MS ? GRAINS.day : GRAINS.hour;
}

export function rumStepOf(stepSeconds: number, grain: Grain): number {
  return Math.ceil(stepSeconds / grain.seconds) * grain.seconds;
}

export const DIMENSIONS = ["device", "network", "country"] as const;
export type Dimension = (typeof DIMENSIONS)[number];

/** Shares of samples rated good / needs improvement / poor (0–1, summing to 1). */
export type Distribution = { good: number; needsImprovement: number; poor: number };
export type Summary = { p75: number; samples: number; rating: Rating; distribution: Distribution };
type ByVital = Partial<Record<Vital, Summary>>;

export type VitalsReport = {
  stepSeconds: number;
  thresholds: typeof VITAL_THRESHOLDS;
  overall: ByVital;
  series: Partial<Record<Vital, { time: string; p75: number; samples: number }[]>>;
  routes: { route: string; samples: number; vitals: ByVital }[];
  breakdowns: Record<Dimension, { value: string; samples: number; vitals: ByVital }[]>;
};

/** The rollups' bins and the compaction's blocks are aligned to it (UTC). */
const ORIGIN = sql`timestamptz '2000-01-01 00:00:00+00'`;
const floorTo = (ms: number, unit: number) => Math.floor(ms / unit) * unit;
/**
 * The start of the grain holding `from` (ms). Bins are aligned to ORIGIN, a whole number of days
 * after the epoch, so flooring epoch milliseconds lands on the same bins as date_bin would.
 */
const firstBinMs = (range: TimeRange, grain: Grain) => floorTo(range.from.getTime(), grain.seconds * 1000);
const firstBin = (range: TimeRange, grain: Grain) =>
  sql`${new Date(firstBinMs(range, grain)).toISOString()}::timestamptz`;
/** One tenant's rollup rows of a range, at the range's grain. */
const rollupsIn = (range: TimeRange, grain: Grain) => sql`
  ${grain.table} where tenant_id = app_tenant_id()
  and time >= ${firstBin(range, grain)} and time < ${range.to.toISOString()}`;
const bucket = (range: TimeRange, grain: Grain, stepSeconds: number) =>
  sql`date_bin(${`${stepSeconds} seconds`}::interval, time, ${firstBin(range, grain)})`;
const vitalNames = sql.join(
  VITALS.map((name) => sql`${name}`),
  sql`, `,
);

/** One group of the Vitals report with its merged sketch: what it is shown as, and its key. */
type VitalsGroup = {
  metric: Vital;
  /** Series groups are keyed by their step's start (ISO), route groups by route, breakdowns by value. */
  kind: "overall" | "series" | "route" | Dimension;
  key: string;
  good: number;
  poor: number;
  sketch: Sketch;
};

export async function vitalsReport(
  tx: Tx,
  range: TimeRange,
  stepSeconds: number,
  route?: string,
): Promise<VitalsReport> {
  const grain = grainOf(range);
  const step = rumStepOf(stepSeconds, grain);
  const groups = await vitalGroups(tx, range, grain, step, route);
  const report: VitalsReport = {
    stepSeconds: step,
    thresholds: VITAL_THRESHOLDS,
    overall: {},
    series: {},
    routes: [],
    breakdowns: { device: [], network: [], country: [] },
  };
  type Entry = { samples: number; vitals: ByVital };
  const routes = new Map<string, Entry>();
  const breakdowns = { device: new Map(), network: new Map(), country: new Map() } as Record<
    Dimension,
    Map<string, Entry>
  >;
  const add = (entries: Map<string, Entry>, key: string, metric: Vital, summary: Summary) => {
    const entry = entries.get(key) ?? { samples: 0, vitals: {} };
    entry.vitals[metric] = summary;
    entry.samples += summary.samples;
    entries.set(key, entry);
  };
  for (const group of groups) {
    const summary = summaryOf(group);
    if (!summary) continue;
    if (group.kind === "overall") report.overall[group.metric] = summary;
    else if (group.kind === "series")
      (report.series[group.metric] ??= []).push({
        time: group.key,
        p75: summary.p75,
        samples: summary.samples,
      });
    else add(group.kind === "route" ? routes : breakdowns[group.kind], group.key, group.metric, summary);
  }
  for (const points of Object.values(report.series)) points.sort((a, b) => a.time.localeCompare(b.time));
  const bySamples = (a: Entry, b: Entry) => b.samples - a.samples;
  report.routes = [...routes]
    .map(([key, entry]) => ({ route: key, ...entry }))
    .sort(bySamples)
    .slice(0, 100);
  for (const dimension of DIMENSIONS) {
    report.breakdowns[dimension] = [...breakdowns[dimension]]
      .map(([value, entry]) => ({ value, ...entry }))
      .sort(bySamples)
      .slice(0, 50);
  }
  return report;
}

/** rum_vitals_daily / _hourly store the zero bucket as this id (their bucket ids are integers). */
const ZERO_BUCKET_ID = -2147483648;

/**
 * One grain's cells tiling part of a view's range, [lo, hi): the largest compacted blocks inside
 * it (0067, 0068: aligned blocks of 2^k days up to 64, or of 2^k hours up to 16; any 30 days are at
 * most ~8 blocks, any 24 hours ~8), each day's or hour's own whole-scope cell for the series, and
 * the combination rows of what no cell covers. Its CTEs are named `<name>_…`; `tagged` is its rows
 * for the report's groups.
 */
function tiling(
  name: string,
  grain: Grain,
  bounds: { lo: number; hi: number },
  view: { scope: string; route: string | undefined; bin: SQL },
): { ctes: SQL; tagged: SQL } {
  const { cells: table, stale: staleTable, widthColumn, blocks: widths } = grain.vitals;
  const cte = (part: string) => sql.raw(`${name}_${part}`);
  // Parameters, not a CTE's columns: the planner then prunes the hourly combinations' day
  // partitions to the range (planning all of them cost ~50 ms of every request).
  const [lo, hi] = [bounds.lo, bounds.hi].map((ms) => sql`${new Date(ms).toISOString()}::timestamptz`);
  const unit = sql`${grain.width}::interval`;
  const { scope, route } = view;
  const inScope = sql`metric in (${vitalNames})
    and ${route ? sql`route = ${route}` : sql`(route = '' or dimension = '')`}`;
  // Whether the block of `width` grains at `start` can stand for its grains: inside the range,
  // none of them stale (a stale block may miss or hold rows its grains no longer have), and not
  // older than the tenant's oldest own cell (the retention purge deletes a block that starts before
  // its cutoff while its younger halves stay; hour cells are kept for four days only).
  const usable = (start: SQL, width: SQL) => sql`(${start} >= ${lo}
    and ${start} + (${width} - 1) * ${unit} < ${hi}
    and ${start} >= (select time from ${cte("oldest")})
    and not exists (select from unnest((select times from ${cte("stale")})) as s(time)
      where s.time >= ${start} and s.time < ${start} + ${width} * ${unit}))`;
  const parent = sql`date_bin(2 * c.width * ${unit}, c.start, ${ORIGIN})`;
  const ctes = sql`
    ${cte("stale")} as (
      select coalesce(array_agg(time), '{}') as times from ${staleTable}
      where tenant_id = app_tenant_id() and time >= ${lo} and time < ${hi}
    ),
    -- The tenant's oldest own cell (a day's or an hour's, not a block's: a block may start before
    -- the first day or hour it holds).
    ${cte("oldest")} as (
      select min(time) as time from ${table} where tenant_id = app_tenant_id() and ${widthColumn} = 1
    ),
    -- Every aligned block of every width that starts in the range; kept when it is usable and its
    -- parent (twice as wide) is not: the largest usable blocks, which tile the range's usable grains.
    ${cte("blocks")} as (
      select c.width, c.start from (
        select w.width, s.start
        from unnest(${sql.raw(`array[${widths.join(", ")}]`)}) as w(width)
        cross join lateral generate_series(date_bin(w.width * ${unit}, ${lo}, ${ORIGIN}), ${hi}, w.width * ${unit}) as s(start)
      ) as c
      where ${usable(sql`c.start`, sql`c.width`)}
        and (c.width = ${widths[widths.length - 1]} or not ${usable(parent, sql`2 * c.width`)})
    ),
    -- What no cell covers, read from its combination rows (route × device × network × country),
    -- each sketch as the cells' two arrays, tagged straight into the report's groups: the stale
    -- grains, and the grains older than the tenant's oldest own cell. Each such grain is one
    -- probe of the rollups' index by its time: as one OR over the range, the planner (which
    -- cannot know how few grains match) read every combination row of the range to find none.
    ${cte("live")} as (
      select combination.* from (
        select s.time from unnest((select times from ${cte("stale")})) as s(time)
        union
        select g.time from generate_series(${lo}, ${hi}, ${unit}) as g(time)
        where g.time < ${hi} and g.time < coalesce((select time from ${cte("oldest")}), 'infinity')
      ) as t cross join lateral (
        select r.metric, r.route, r.device, r.network, r.country, r.time, r.good, r.poor, s.buckets, s.counts
        from ${grain.table} r cross join lateral (
          select array_agg(case when e.key = 'z' then ${sql.raw(`(${ZERO_BUCKET_ID})::integer`)} else e.key::integer end) as buckets,
            array_agg(e.value::bigint) as counts
          from jsonb_each_text(r.sketch) as e
        ) as s
        where r.tenant_id = app_tenant_id() and r.time = t.time and r.time >= ${lo} and r.time < ${hi}
          and r.metric in (${vitalNames}) ${route ? sql`and r.route = ${route}` : sql``}
        offset 0
      ) as combination
    ),
    -- Each block's rows looked up by its key: a block is a few hundred rows of a table that holds
    -- every block, so a hash join (what the planner picks for the blocks' unknown count) would
    -- scan the table. OFFSET 0 keeps the lateral subquery a per-block index scan.
    ${cte("cells")} as (
      select d.* from ${cte("blocks")} b cross join lateral (
        select metric, route, dimension, value, good, poor, buckets, counts from ${table}
        where tenant_id = app_tenant_id() and time = b.start and ${widthColumn} = b.width and ${inScope}
        offset 0
      ) as d
    ),
    ${cte("own")} as (
      select metric, time, good, poor, buckets, counts from ${table}
      where tenant_id = app_tenant_id() and ${widthColumn} = 1 and time >= ${lo} and time < ${hi}
        and time <> all ((select times from ${cte("stale")})::timestamptz[])
        and metric in (${vitalNames}) and route = ${scope} and dimension = ''
    ),`;
  const [cells, own, live] = [cte("cells"), cte("own"), cte("live")];
  const tagged = sql`
      select metric, 'overall' as kind, '' as key, null::timestamptz as bin, good, poor, buckets, counts
      from ${cells} where route = ${scope} and dimension = ''
      union all
      select metric, 'series', '', ${view.bin}, good, poor, buckets, counts from ${own}
      union all
      select metric, 'route', route, null, good, poor, buckets, counts
      from ${cells} where route <> '' and dimension = ''
      union all
      select metric, dimension, value, null, good, poor, buckets, counts
      from ${cells} where route = ${scope} and dimension <> ''
      union all
      select metric, 'overall', '', null, good, poor, buckets, counts from ${live}
      union all
      select metric, 'series', '', ${view.bin}, good, poor, buckets, counts from ${live}
      union all
      select metric, 'route', route, null, good, poor, buckets, counts from ${live}
      union all
      select metric, 'device', device, null, good, poor, buckets, counts from ${live}
      union all
      select metric, 'network', network, null, good, poor, buckets, counts from ${live}
      union all
      select metric, 'country', country, null, good, poor, buckets, counts from ${live}`;
  return { ctes, tagged };
}

/**
 * The Web Vitals groups of a view from the cells (migrations/0066_rum_vitals_cube.sql: per vital,
 * every route or one route, times no breakdown or one dimension's value). Up to three days: the
 * hour cells. Longer: the day cells, except for the day that holds `to` when that is recent: its
 * hours' cells, so the day still being written (stale until the next compaction, and again after
 * every batch) costs a few hour blocks and the current hour's combination rows, not the whole
 * day's combinations. The work follows cells × blocks: 1 + routes + devices + networks +
 * countries rows per vital and block (one route: 1 + devices + networks + countries), whatever
 * the traffic and however the dimensions combine.
 */
async function vitalGroups(
  tx: Tx,
  range: TimeRange,
  grain: Grain,
  step: number,
  route: string | undefined,
): Promise<VitalsGroup[]> {
  // The view's scope: one route's cells, or every route's with each route's whole-range cell.
  const view = { scope: route ?? "", route, bin: bucket(range, grain, step) };
  // The grain holding `from`, and for a long view that ends within the last day the start of the
  // day holding its end.
  const lo = firstBinMs(range, grain);
  const hi = range.to.getTime();
  const split = Math.max(lo, floorTo(hi, DAY_MS));
  const parts =
    grain === GRAINS.hour
      ? [tiling("hours", GRAINS.hour, { lo, hi }, view)]
      : hi > Date.now() - DAY_MS && split < hi
        ? [
            tiling("days", GRAINS.day, { lo, hi: split }, view),
            tiling("hours", GRAINS.hour, { lo: split, hi }, view),
          ]
        : [tiling("days", GRAINS.day, { lo, hi }, view)];
  const { rows } = await tx.execute<{
    metric: Vital;
    kind: VitalsGroup["kind"];
    key: string;
    time: string | null;
    good: string;
    poor: string;
    buckets: number[];
    counts: string[];
  }>(sql`
    with ${sql.join(
      parts.map((part) => part.ctes),
      sql` `,
    )}
    tagged as (${sql.join(
      parts.map((part) => part.tagged),
      sql` union all `,
    )}),
    -- Each group numbered, so the merge hashes two integers per sketch entry, not four columns.
    numbered as (
      select dense_rank() over (order by metric, kind, key, bin) as g, * from tagged
    ),
    groups as (
      select g, min(metric) as metric, min(kind) as kind, min(key) as key, min(bin) as bin,
        sum(good) as good, sum(poor) as poor
      from numbered group by g
    ),
    merged as (
      select g, u.bucket, sum(u.n)::bigint as n
      from numbered cross join lateral unnest(buckets, counts) as u(bucket, n) group by 1, 2
    ),
    sketches as (
      select g, array_agg(bucket) as buckets, array_agg(n) as counts from merged group by g
    )
    select metric, kind, key, ${iso("bin")} as time, good, poor, s.buckets, s.counts
    from groups join sketches s using (g)`);
  return rows.map((row) => ({
    metric: row.metric,
    kind: row.kind,
    key: row.kind === "series" ? row.time! : row.key,
    good: Number(row.good),
    poor: Number(row.poor),
    sketch: Object.fromEntries(
      row.buckets.map((id, i) => [id === ZERO_BUCKET_ID ? ZERO_BUCKET : String(id), Number(row.counts[i])]),
    ),
  }));
}

/** A group's p75, rating and rating shares from its merged sketch and counts. */
function summaryOf({ metric, sketch, good, poor }: VitalsGroup): Summary | null {
  const samples = countOf(sketch);
  const p75 = quantileOf(sketch, 0.75);
  if (p75 === null || samples === 0) return null;
  const shares = { good: good / samples, poor: poor / samples };
  return {
    p75: round(p75, metric),
    samples,
    rating: ratingOf(metric, p75),
    distribution: { good: shares.good, needsImprovement: 1 - shares.good - shares.poor, poor: shares.poor },
  };
}

/** The sketch is within 2 %: more digits than that would only look precise. */
function round(value: number, vital: Vital): number {
  return vital === "CLS" ? Math.round(value * 10_000) / 10_000 : Math.round(value * 10) / 10;
}

export type PagesReport = {
  stepSeconds: number;
  total: number;
  routes: { route: string; views: number }[];
  series: { time: string; views: number }[];
};

export async function pagesReport(tx: Tx, range: TimeRange, stepSeconds: number): Promise<PagesReport> {
  const grain = grainOf(range);
  const step = rumStepOf(stepSeconds, grain);
  const { rows } = await tx.execute<{
    route: string | null;
    time: string | null;
    views: number;
    level: number;
  }>(
    sql`
    with p as (
      select route, ${bucket(range, grain, step)} as bucket, count
      from ${rollupsIn(range, grain)} and metric = 'page_view'
    )
    select route, ${iso("bucket")} as time, sum(count)::bigint as views, grouping(route, bucket) as level
    from p group by grouping sets ((route), (bucket))
    order by level, bucket, views desc`,
  );
  const routes = rows.filter((row) => row.level === 1).slice(0, 100);
  const series = rows.filter((row) => row.level === 2);
  return {
    stepSeconds: step,
    total: series.reduce((sum, row) => sum + Number(row.views), 0),
    routes: routes.map((row) => ({ route: row.route!, views: Number(row.views) })),
    series: series.map((row) => ({ time: row.time!, views: Number(row.views) })),
  };
}

export type GeoReport = {
  countries: { country: string; views: number }[];
  colos: { colo: string; views: number }[];
};

/** Page views by visitor country and by the Cloudflare colo that served them (top 20 each). */
export async function geoReport(tx: Tx, range: TimeRange): Promise<GeoReport> {
  const { rows } = await tx.execute<{
    country: string | null;
    colo: string | null;
    views: number;
    level: number;
  }>(sql`
    select country, colo, sum(count)::bigint as views, grouping(country, colo) as level
    from ${rollupsIn(range, grainOf(range))} and metric = 'page_view'
    group by grouping sets ((country), (colo))
    order by views desc`);
  const top = (level: number) => rows.filter((row) => row.level === level).slice(0, 20);
  return {
    countries: top(1).map((row) => ({ country: row.country!, views: Number(row.views) })),
    colos: top(2).map((row) => ({ colo: row.colo!, views: Number(row.views) })),
  };
}

export type AttributionReport = {
  LCP: { target: string; samples: number; p75: number; rating: Rating }[];
  INP: { target: string; samples: number; p75: number; rating: Rating }[];
};

/**
 * The elements behind LCP and the INP targets: the 10 with most samples each, and their p75 from
 * the merged sketches of the range's grain (rum_targets per hour, rum_targets_daily per day:
 * migrations 0079, 0080; within 2 %, as every Vitals p75), from the one holding `from`. Only the
 * top targets' sketches are expanded; the cost follows grains × targets, not the events.
 */
export async function attributionReport(
  tx: Tx,
  range: TimeRange,
  route?: string,
): Promise<AttributionReport> {
  const grain = grainOf(range);
  const { rows } = await tx.execute<{
    metric: "LCP" | "INP";
    target: string;
    samples: string;
    sketch: Sketch;
  }>(sql`
    with t as (
      select metric, target, count, sketch from ${grain.targets}
      where tenant_id = app_tenant_id() and time >= ${firstBin(range, grain)}
        and time < ${range.to.toISOString()} ${route ? sql`and route = ${route}` : sql``}
    ), top as (
      select metric, target, samples, rank from (
        select metric, target, sum(count) as samples,
          row_number() over (partition by metric order by sum(count) desc, target) as rank
        from t group by metric, target
      ) as ranked where rank <= 10
    )
    select top.metric, top.target, top.samples, s.sketch
    from top cross join lateral (
      select jsonb_object_agg(key, n) as sketch from (
        select e.key, sum(e.value::bigint) as n
        from t cross join jsonb_each_text(t.sketch) as e
        where t.metric = top.metric and t.target = top.target group by e.key
      ) as merged
    ) as s
    order by top.metric, top.rank`);
  const report: AttributionReport = { LCP: [], INP: [] };
  for (const row of rows) {
    const p75 = round(quantileOf(row.sketch, 0.75)!, row.metric);
    report[row.metric].push({
      target: row.target,
      samples: Number(row.samples),
      p75,
      rating: ratingOf(row.metric, p75),
    });
  }
  return report;
}

export type RouteSessions = {
  sessions: {
    sessionId: string;
    start: string;
    end: string;
    pageViews: number;
    vitals: number;
    poorVitals: number;
  }[];
};

/**
 * Rows of rum_sessions walked per session asked for: a session's rows on one route are its hours
 * there, usually one or two. A walk that finds too few sessions goes again, four times as far.
 */
const WALK_ROWS_PER_SESSION = 4;

/**
 * The sessions that visited a route in the range, most recent first, from rum_sessions (whole
 * hours from the one holding `from`, like every hour rollup). The walk reads the route's rows
 * newest first through rum_sessions_recent and stops after `walk` rows; the sessions it met are
 * then summed over their rows in the range (rum_sessions_identity). So the cost follows `limit`,
 * whatever the number of sessions in the range.
 */
export async function routeSessions(
  tx: Tx,
  range: TimeRange,
  route: string,
  limit: number,
): Promise<RouteSessions> {
  const inRange = sql`tenant_id = app_tenant_id() and route = ${route}
    and time >= ${firstBin(range, GRAINS.hour)} and time < ${range.to.toISOString()}`;
  for (let walk = limit * WALK_ROWS_PER_SESSION; ; walk *= 4) {
    const { rows } = await tx.execute<RouteSessions["sessions"][number] & { walked: number }>(sql`
      with walked as (
        select session_id, last_time from rum_sessions where ${inRange} order by last_time desc limit ${walk}
      ), picked as (
        select session_id from walked group by session_id order by max(last_time) desc limit ${limit}
      )
      select session_id as "sessionId", ${iso("min(first_time)")} as start, ${iso("max(last_time)")} as "end",
        sum(page_views)::int as "pageViews", sum(vitals)::int as vitals, sum(poor_vitals)::int as "poorVitals",
        (select count(*) from walked)::int as walked
      from rum_sessions join picked using (session_id)
      where ${inRange}
      group by session_id order by max(last_time) desc`);
    // Too few sessions, and the walk stopped before the route's rows ran out: walk further.
    if (rows.length < limit && rows.length > 0 && rows[0].walked === walk) continue;
    return {
      sessions: rows.map(({ sessionId, start, end, pageViews, vitals, poorVitals }) => ({
        sessionId,
        start,
        end,
        pageViews,
        vitals,
        poorVitals,
      })),
    };
  }
}
