// Metric series: one metric's points averaged per time bucket, one series per attribute set
// (the 20 with most points). Also the metric names seen in a range, for pickers.
import { sql } from "drizzle-orm";
import type { Tx } from "../../../db/tenant-scope.ts";
import { iso } from "./iso.ts";
import type { TimeRange } from "./time-range.ts";

const MAX_SERIES = 20;

export type MetricSeries = {
  name: string;
  unit: string | null;
  type: string | null;
  stepSeconds: number;
  series: { attributes: Record<string, unknown>; points: { time: string; value: number | null }[] }[];
};

export async function metricSeries(
  tx: Tx,
  name: string,
  range: TimeRange,
  stepSeconds: number,
  service?: string,
): Promise<MetricSeries> {
  const { rows } = await tx.execute<{
    attributes: Record<string, unknown>;
    unit: string | null;
    type: string;
    time: string;
    value: number | null;
  }>(sql`
    with points as (
      select attributes, unit, type, value,
        date_bin(${`${stepSeconds} seconds`}::interval, time, ${range.from.toISOString()}::timestamptz) as bucket
      from metric_points
      where tenant_id = app_tenant_id() and name = ${name}
        and time >= ${range.from.toISOString()} and time < ${range.to.toISOString()}
        ${service ? sql`and service_name = ${service}` : sql``}
    ), top as (
      select attributes from points group by attributes order by count(*) desc limit ${MAX_SERIES}
    )
    select p.attributes, max(p.unit) as unit, max(p.type) as type, ${iso("p.bucket")} as time, avg(p.value) as value
    from points p join top using (attributes)
    group by p.attributes, p.bucket
    order by p.bucket`);
  const series = new Map<string, MetricSeries["series"][number]>();
  for (const row of rows) {
    const key = JSON.stringify(row.attributes);
    const entry = series.get(key) ?? { attributes: row.attributes, points: [] };
    entry.points.push({ time: row.time, value: row.value === null ? null : Number(row.value) });
    series.set(key, entry);
  }
  return {
    name,
    unit: rows[0]?.unit ?? null,
    type: rows[0]?.type ?? null,
    stepSeconds,
    series: [...series.values()],
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
