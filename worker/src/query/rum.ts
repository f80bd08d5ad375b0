// Real-user monitoring summaries, read from the spans the RUM SDK sends (rum-sdk/src/attributes.ts
// names them): Core Web Vitals as p75 per path and over time, page views per path and over time,
// and where visitors were (country and Cloudflare colo, added at the edge). One query each, with
// grouping sets, so a dashboard load is a handful of round trips whatever the range.
import { sql } from "drizzle-orm";
import { ATTR, SPAN } from "../../../rum-sdk/src/attributes.ts";
import type { Tx } from "../../../db/tenant-scope.ts";
import { iso } from "./iso.ts";
import type { TimeRange } from "./time-range.ts";

export const VITALS = ["LCP", "FCP", "CLS", "INP", "TTFB"] as const;
export type Vital = (typeof VITALS)[number];

/** web.dev thresholds: ≤ good is good, > poor is poor, between is "needs improvement". */
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

type Summary = { p75: number; samples: number; rating: Rating };
export type VitalsReport = {
  stepSeconds: number;
  thresholds: typeof VITAL_THRESHOLDS;
  overall: Partial<Record<Vital, Summary>>;
  series: Partial<Record<Vital, { time: string; p75: number; samples: number }[]>>;
  pages: { path: string; samples: number; vitals: Partial<Record<Vital, Summary>> }[];
};

const attr = (name: string) => sql`(attributes->>${name})`;
const bucket = (range: TimeRange, stepSeconds: number) =>
  sql`date_bin(${`${stepSeconds} seconds`}::interval, start_time, ${range.from.toISOString()}::timestamptz)`;
const inRange = (range: TimeRange, spanName: string, path?: string) => sql`
  tenant_id = app_tenant_id() and name = ${spanName}
  and start_time >= ${range.from.toISOString()} and start_time < ${range.to.toISOString()}
  ${path ? sql`and ${attr(ATTR.urlPath)} = ${path}` : sql``}`;

export async function vitalsReport(
  tx: Tx,
  range: TimeRange,
  stepSeconds: number,
  path?: string,
): Promise<VitalsReport> {
  const { rows } = await tx.execute<{
    path: string | null;
    metric: Vital;
    time: string | null;
    p75: number;
    samples: number;
    level: number;
  }>(sql`
    with v as (
      select ${attr(ATTR.urlPath)} as path, ${attr(ATTR.vitalName)} as metric, ${bucket(range, stepSeconds)} as bucket,
        case when jsonb_typeof(attributes->${ATTR.vitalValue}) = 'number' then ${attr(ATTR.vitalValue)}::float8 end as value
      from spans where ${inRange(range, SPAN.webVital, path)}
    )
    select path, metric, ${iso("bucket")} as time, percentile_cont(0.75) within group (order by value) as p75,
      count(*)::int as samples, grouping(path, bucket) as level
    from v where value is not null and metric in (${sql.join(
      VITALS.map((name) => sql`${name}`),
      sql`, `,
    )})
    group by grouping sets ((metric), (metric, bucket), (path, metric))
    order by level, time, samples desc`);
  const report: VitalsReport = {
    stepSeconds,
    thresholds: VITAL_THRESHOLDS,
    overall: {},
    series: {},
    pages: [],
  };
  const pages = new Map<string, VitalsReport["pages"][number]>();
  for (const row of rows) {
    const summary = {
      p75: Number(row.p75),
      samples: row.samples,
      rating: ratingOf(row.metric, Number(row.p75)),
    };
    if (row.level === 3) report.overall[row.metric] = summary;
    else if (row.level === 2)
      (report.series[row.metric] ??= []).push({ time: row.time!, p75: summary.p75, samples: row.samples });
    else {
      const key = row.path ?? "(unknown)";
      const page = pages.get(key) ?? { path: key, samples: 0, vitals: {} };
      page.vitals[row.metric] = summary;
      page.samples += row.samples;
      pages.set(key, page);
    }
  }
  report.pages = [...pages.values()].sort((a, b) => b.samples - a.samples).slice(0, 100);
  return report;
}

export type PagesReport = {
  stepSeconds: number;
  total: number;
  pages: { path: string; views: number }[];
  series: { time: string; views: number }[];
};

export async function pagesReport(tx: Tx, range: TimeRange, stepSeconds: number): Promise<PagesReport> {
  const { rows } = await tx.execute<{
    path: string | null;
    time: string | null;
    views: number;
    level: number;
  }>(sql`
    with p as (
      select ${attr(ATTR.urlPath)} as path, ${bucket(range, stepSeconds)} as bucket
      from spans where ${inRange(range, SPAN.pageView)}
    )
    select path, ${iso("bucket")} as time, count(*)::int as views, grouping(path, bucket) as level
    from p group by grouping sets ((path), (bucket))
    order by level, time, views desc`);
  const pages = rows.filter((row) => row.level === 1).slice(0, 100);
  const series = rows.filter((row) => row.level === 2);
  return {
    stepSeconds,
    total: series.reduce((sum, row) => sum + row.views, 0),
    pages: pages.map((row) => ({ path: row.path ?? "(unknown)", views: row.views })),
    series: series.map((row) => ({ time: row.time!, views: row.views })),
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
    with p as (
      select coalesce(attributes->>'cloud.region', 'unknown') as country,
        coalesce(attributes->>'cloudflare.colo', 'unknown') as colo
      from spans where ${inRange(range, SPAN.pageView)}
    )
    select country, colo, count(*)::int as views, grouping(country, colo) as level
    from p group by grouping sets ((country), (colo))
    order by views desc`);
  return {
    countries: rows
      .filter((row) => row.level === 1)
      .slice(0, 20)
      .map((row) => ({ country: row.country!, views: row.views })),
    colos: rows
      .filter((row) => row.level === 2)
      .slice(0, 20)
      .map((row) => ({ colo: row.colo!, views: row.views })),
  };
}
