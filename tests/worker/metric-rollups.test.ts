// Metric series from their minute and hour buckets (migrations/0071_metric_rollups.sql): gauges and
// sums are read from metric_rollups when the step is whole minutes or hours. The buckets are
// recomputed from the points whenever a point lands in them, so late points inside a bucket, resets
// inside a bucket and several streams give the series the points alone give (docs/query.md,
// "Metric semantics"): the expected figures below are computed by hand from the points.
import { beforeAll, describe, expect, it } from "vitest";
import { JSON_TYPE, kv, member, read, type Member } from "./support/query.ts";
import { createTenant, postOtlp, readRows, rowsOf } from "./support/telemetry.ts";

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
// Two hours, starting on an hour, ending a while ago.
const FROM = Math.floor(Date.now() / HOUR) * HOUR - 3 * HOUR;
const at = (seconds: number) => (BigInt(FROM + seconds * 1000) * 1_000_000n).toString();
const LONG_AGO = at(-86_400);

let m: Member;

function request(metrics: unknown[], instance = "a") {
  return JSON.stringify({
    resourceMetrics: [
      {
        resource: { attributes: [kv("service.name", "api"), kv("service.instance.id", instance)] },
        scopeMetrics: [{ metrics }],
      },
    ],
  });
}

const counter = (points: [number, number][]) => ({
  name: "jobs",
  sum: {
    aggregationTemporality: 2,
    isMonotonic: true,
    dataPoints: points.map(([t, value]) => ({
      startTimeUnixNano: LONG_AGO,
      timeUnixNano: at(t),
      asInt: String(value),
    })),
  },
});

const gauge = (points: [number, number][]) => ({
  name: "temperature",
  gauge: { dataPoints: points.map(([t, value]) => ({ timeUnixNano: at(t), asDouble: value })) },
});

async function send(body: string) {
  const response = await postOtlp("metrics", body, { token: m.backend, contentType: JSON_TYPE });
  expect(response.status).toBe(200);
}

type Series = { stepSeconds: number; series: { points: Record<string, unknown>[] }[] };

async function series(name: string, stepSeconds: number, from = FROM, to = FROM + 2 * HOUR) {
  const range = `from=${new Date(from).toISOString()}&to=${new Date(to).toISOString()}`;
  const response = await read(m, `/metrics/${name}?${range}&step=${stepSeconds}`);
  expect(response.status).toBe(200);
  return response.json<Series>();
}

beforeAll(async () => {
  m = await member();
  await send(
    request([
      counter([
        [10, 100],
        [50, 130],
        [70, 150],
        [3700, 400],
      ]),
      gauge([
        [10, 1],
        [40, 3],
        [1800, 7],
      ]),
    ]),
  );
  // Later: points inside buckets already built, one of them a reset (150 → 5), and a second
  // instance of the gauge.
  await send(
    request([
      counter([
        [30, 120],
        [80, 5],
      ]),
    ]),
  );
  await send(request([gauge([[20, 5]])], "b"));
});

describe("metric rollups", () => {
  it("a counter's minute buckets give the rate of its points: a late point and a reset inside a bucket", async () => {
    const {
      series: [only],
    } = await series("jobs", 60);
    const rates = only.points.map((p) => p.rate);
    // Minute 0: 100 (a baseline) → 120 → 130: 30. Minute 1: 150 (+20), 5 (a reset: +5). Minute 61: 395.
    expect(rates.slice(0, 3)).toEqual([30 / 60, 25 / 60, null]);
    expect(rates[61]).toBe(395 / 60);
    expect(rates.filter((rate) => rate !== null)).toHaveLength(3);
  });

  it("a counter's hour buckets give the same increases, summed per hour", async () => {
    const result = await series("jobs", 3600);
    expect(result.stepSeconds).toBe(3600);
    expect(result.series[0].points.map((p) => p.rate)).toEqual([55 / 3600, 395 / 3600]);
  });

  it("a gauge shows each stream's last value per step, averaged over the streams", async () => {
    const minutes = (await series("temperature", 60)).series[0].points.map((p) => p.value);
    expect(minutes[0]).toBe(4); // a: 3 (its last in the minute), b: 5
    expect(minutes[30]).toBe(7);
    const hours = (await series("temperature", 3600)).series[0].points.map((p) => p.value);
    expect(hours).toEqual([6, null]); // a: 7, b: 5
  });

  it("a range that does not start on a bucket starts at the bucket holding it", async () => {
    const result = await series("jobs", 3600, FROM + 17 * MINUTE, FROM + 2 * HOUR - MINUTE);
    expect(result.series[0].points.map((p) => p.time)).toEqual([
      new Date(FROM).toISOString(),
      new Date(FROM + HOUR).toISOString(),
    ]);
    expect(result.series[0].points.map((p) => p.rate)).toEqual([55 / 3600, 395 / 3600]);
  });

  it("buckets hold gauges and sums, per minute and per hour; histograms are not among them (metric_histogram_rollups)", async () => {
    const histogram = {
      name: "latency",
      histogram: {
        aggregationTemporality: 1,
        dataPoints: [{ timeUnixNano: at(5), count: "1", sum: 3, bucketCounts: ["1"], explicitBounds: [] }],
      },
    };
    await send(request([histogram]));
    const buckets = await rowsOf(
      m.tenantId,
      `select name, seconds, count(*)::int as rows, sum(points)::int as points from metric_rollups
       group by name, seconds order by name, seconds`,
    );
    expect(buckets).toEqual([
      { name: "jobs", seconds: 60, rows: 3, points: 6 },
      { name: "jobs", seconds: 3600, rows: 2, points: 6 },
      { name: "temperature", seconds: 60, rows: 3, points: 4 },
      { name: "temperature", seconds: 3600, rows: 2, points: 4 },
    ]);
  });

  it("rls: another tenant sees none of a tenant's metric buckets", async () => {
    const other = await createTenant();
    expect(await readRows(other.id, "select 1 from metric_rollups")).toEqual([]);
    expect(await readRows(m.tenantId, "select 1 from metric_rollups")).not.toEqual([]);
  });
});
