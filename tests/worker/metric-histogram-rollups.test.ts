// Histogram and summary series from their minute and hour buckets
// (migrations/0075_metric_histogram_rollups.sql): a bucket keeps its first and last point, and
// whether every point between them is a continuation of the one before (`telescopes`). A
// cumulative histogram's increments then sum to last − first, so the two points give the series
// what all of them give. A bucket of delta points of one layout is stored as its points merged into
// one (0076: delta increments add up); other buckets that do not telescope (a reset, mixed
// temporality) are read from their points. The expected figures are computed by hand from the
// points (docs/query.md, "Metric semantics").
import { beforeAll, describe, expect, it } from "vitest";
import { JSON_TYPE, kv, member, read, type Member } from "./support/query.ts";
import { createTenant, postOtlp, readRows, rowsOf } from "./support/telemetry.ts";

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const FROM = Math.floor(Date.now() / HOUR) * HOUR - 3 * HOUR;
const at = (seconds: number) => (BigInt(FROM + seconds * 1000) * 1_000_000n).toString();
const LONG_AGO = at(-86_400);
const BOUNDS = [10, 100];

let m: Member;

type Point = [seconds: number, count: number, sum: number, buckets: number[]];

const histogram = (stream: string, points: Point[], temporality = 2) => ({
  name: "latency",
  unit: "ms",
  histogram: {
    aggregationTemporality: temporality,
    dataPoints: points.map(([t, count, sum, buckets]) => ({
      startTimeUnixNano: LONG_AGO,
      timeUnixNano: at(t),
      count: String(count),
      sum,
      bucketCounts: buckets.map(String),
      explicitBounds: BOUNDS,
      attributes: [kv("stream", stream)],
    })),
  },
});

const summary = (points: [seconds: number, count: number, p50: number][]) => ({
  name: "gc.pause",
  summary: {
    dataPoints: points.map(([t, count, p50]) => ({
      startTimeUnixNano: LONG_AGO,
      timeUnixNano: at(t),
      count: String(count),
      sum: count * p50,
      quantileValues: [{ quantile: 0.5, value: p50 }],
    })),
  },
});

async function send(metrics: unknown[]) {
  const body = JSON.stringify({
    resourceMetrics: [{ resource: { attributes: [kv("service.name", "api")] }, scopeMetrics: [{ metrics }] }],
  });
  const response = await postOtlp("metrics", body, { token: m.backend, contentType: JSON_TYPE });
  expect(response.status).toBe(200);
}

type Series = { series: { attributes: { stream: string }; points: Record<string, unknown>[] }[] };

async function series(name: string, stepSeconds: number) {
  const range = `from=${new Date(FROM).toISOString()}&to=${new Date(FROM + 2 * HOUR).toISOString()}`;
  const response = await read(m, `/metrics/${name}?${range}&step=${stepSeconds}`);
  expect(response.status).toBe(200);
  return response.json<Series>();
}

const streamOf = (result: Series, stream: string) =>
  result.series.find((s) => s.attributes.stream === stream)!.points;

beforeAll(async () => {
  m = await member();
  await send([
    // a: three points in minute 0; in minute 1 a reset (12 → 3); one point in hour 1.
    histogram("a", [
      [5, 2, 10, [2, 0, 0]],
      [25, 9, 200, [5, 3, 1]],
      [65, 12, 260, [7, 4, 1]],
      [75, 3, 30, [3, 0, 0]],
      [85, 15, 300, [8, 5, 2]],
      [3605, 20, 500, [10, 8, 2]],
    ]),
    // b: no reset anywhere: its minutes and its hour 0 telescope.
    histogram("b", [
      [5, 1, 1, [1, 0, 0]],
      [50, 4, 31, [2, 1, 1]],
      [70, 6, 60, [3, 2, 1]],
      [3610, 10, 100, [5, 3, 2]],
    ]),
    summary([
      [10, 4, 1],
      [40, 8, 2],
      [3620, 12, 3],
    ]),
  ]);
  // Later, inside a minute already built: a's point at 15 s.
  await send([histogram("a", [[15, 5, 40, [4, 1, 0]]])]);
});

describe("histogram rollups", () => {
  it("a histogram's minute steps are the increments of all its points: a late point, a reset inside a minute", async () => {
    const a = streamOf(await series("latency", 60), "a");
    // Minute 0: 5 s is a baseline; 15 − 5 (3, 30) + 25 − 15 (4, 160). Minute 1: 65 − 25 (3, 60),
    // the reset counts whole (3, 30), 85 − 75 (12, 270); its first and last points alone would say
    // 85 − 65 (3, 40). Minute 60: 3605 − 85 (5, 200).
    expect([a[0], a[1], a[60]].map((p) => [p.count, p.sum])).toEqual([
      [7, 190],
      [18, 360],
      [5, 200],
    ]);
    expect(a.filter((p) => p.count !== null)).toHaveLength(3);
    // Minute 0's buckets: [3, 3, 1] → p50 is rank 3.5, in (10, 100]: 10 + 90 · 0.5 / 3.
    expect(a[0].p50).toBeCloseTo(25, 10);
  });

  it("a histogram's hour steps sum its minutes, across minute edges", async () => {
    const result = await series("latency", 3600);
    expect(streamOf(result, "a").map((p) => [p.count, p.sum])).toEqual([
      [25, 550],
      [5, 200],
    ]);
    // b: 50 − 5 (3, 30) + 70 − 50 (2, 29) in hour 0; 3610 − 70 (4, 40) in hour 1.
    expect(streamOf(result, "b").map((p) => [p.count, p.sum])).toEqual([
      [5, 59],
      [4, 40],
    ]);
  });

  it("a summary shows its last point per step", async () => {
    const minutes = (await series("gc.pause", 60)).series[0].points;
    expect(minutes[0]).toMatchObject({ quantiles: { "0.5": 2 }, count: 8 });
    const hours = (await series("gc.pause", 3600)).series[0].points;
    expect(hours.map((p) => p.count)).toEqual([8, 12]);
  });

  it("buckets keep their first and last points, and say which telescope", async () => {
    const rows = await rowsOf(
      m.tenantId,
      `select attributes->>'stream' as stream, seconds, extract(epoch from time - '${new Date(FROM).toISOString()}')::int as at,
         role, points, telescopes, count::int
       from metric_histogram_rollups where name = 'latency' order by 1, 2, 3, 4`,
    );
    const of = (stream: string, seconds: number) =>
      rows
        .filter((row) => row.stream === stream && row.seconds === seconds)
        .map(({ at, role, points, telescopes, count }) => [at, role, points, telescopes, count]);
    expect(of("a", 60)).toEqual([
      [0, 1, 3, true, 2],
      [0, 2, 3, true, 9],
      [60, 1, 3, false, 12],
      [60, 2, 3, false, 15],
      [3600, 1, 1, true, 20],
      [3600, 2, 1, true, 20],
    ]);
    expect(of("a", 3600)).toEqual([
      [0, 1, 6, false, 2],
      [0, 2, 6, false, 15],
      [3600, 1, 1, true, 20],
      [3600, 2, 1, true, 20],
    ]);
    expect(of("b", 3600).slice(0, 2)).toEqual([
      [0, 1, 3, true, 1],
      [0, 2, 3, true, 6],
    ]);
  });

  it("delta points of one layout are merged per bucket: the series of the merged buckets is the points' own", async () => {
    const delta = (points: Point[]) => ({ ...histogram("d", points, 1), name: "latency.delta" });
    await send([
      delta([
        [130, 2, 4, [2, 0, 0]],
        [140, 3, 60, [1, 2, 0]],
        [3700, 4, 400, [0, 1, 3]],
      ]),
    ]);
    // A late point into minute 2, after it was merged once.
    await send([delta([[170, 1, 500, [0, 0, 1]]])]);
    const [minutes] = (await series("latency.delta", 60)).series;
    expect([minutes.points[2].count, minutes.points[2].sum]).toEqual([6, 564]);
    // Minute 2's buckets [3, 2, 1]: p50 is rank 3, the top of (−∞, 10] → 10.
    expect(minutes.points[2].p50).toBeCloseTo(10, 10);
    const [hours] = (await series("latency.delta", 3600)).series;
    expect(hours.points.map((p) => [p.count, p.sum])).toEqual([
      [6, 564],
      [4, 400],
    ]);
    const rows = await rowsOf(
      m.tenantId,
      `select seconds, role, points, telescopes, count::int, sum, bucket_counts
       from metric_histogram_rollups where name = 'latency.delta' order by seconds, time`,
    );
    expect(
      rows.map((r) => [r.seconds, r.role, r.points, r.telescopes, r.count, r.sum, r.bucket_counts]),
    ).toEqual([
      [60, 3, 3, false, 6, 564, [3, 2, 1]],
      [60, 3, 1, false, 4, 400, [0, 1, 3]],
      [3600, 3, 3, false, 6, 564, [3, 2, 1]],
      [3600, 3, 1, false, 4, 400, [0, 1, 3]],
    ]);
  });

  it("exponential delta points are merged at the bucket's lowest scale (index i at scale s → i >> (s − scale))", async () => {
    const point = (seconds: number, scale: number, zeroCount: number, offset: number, counts: number[]) => ({
      startTimeUnixNano: LONG_AGO,
      timeUnixNano: at(seconds),
      count: String(zeroCount + counts.reduce((sum, n) => sum + n, 0)),
      sum: 10,
      scale,
      zeroCount: String(zeroCount),
      positive: { offset, bucketCounts: counts.map(String) },
      attributes: [kv("stream", "e")],
    });
    await send([
      {
        name: "latency.exponential",
        exponentialHistogram: {
          aggregationTemporality: 1,
          // Scale 1 buckets −3 and −1 fall in scale 0's −2 and −1 (floor of a halving).
          dataPoints: [point(190, 1, 1, -3, [1, 0, 1]), point(200, 0, 2, -1, [2])],
        },
      },
    ]);
    const rows = await rowsOf(
      m.tenantId,
      `select role, count::int, exponential_buckets from metric_histogram_rollups
       where name = 'latency.exponential' and seconds = 60`,
    );
    expect(rows).toEqual([
      {
        role: 3,
        count: 7,
        exponential_buckets: {
          scale: 0,
          zeroCount: 3,
          positive: { offset: -2, counts: [1, 3] },
          negative: { offset: 0, counts: [] },
        },
      },
    ]);
    const [stream] = (await series("latency.exponential", 60)).series;
    // 7 observations: 3 zeros, one in (2^−2, 2^−1], three in (2^−1, 1]: p50 is rank 3.5, halfway
    // through (0.25, 0.5].
    expect([stream.points[3].count, stream.points[3].sum]).toEqual([7, 20]);
    expect(stream.points[3].p50).toBeCloseTo(0.375, 10);
  });

  it("a merged bucket that gets a cumulative point is read from its points again", async () => {
    const mixed = (points: Point[], temporality: number) => ({
      ...histogram("m", points, temporality),
      name: "latency.mixed",
    });
    await send([mixed([[250, 2, 20, [2, 0, 0]]], 1)]);
    await send([mixed([[255, 3, 30, [3, 0, 0]]], 2)]);
    const rows = await rowsOf(
      m.tenantId,
      `select seconds, role, telescopes from metric_histogram_rollups where name = 'latency.mixed' order by 1, 2`,
    );
    expect(rows.map((r) => [r.seconds, r.role, r.telescopes])).toEqual([
      [60, 1, false],
      [60, 2, false],
      [3600, 1, false],
      [3600, 2, false],
    ]);
    // What the raw points give: the delta point whole (2, 20), then the cumulative one's increase
    // over it (1, 10).
    const [stream] = (await series("latency.mixed", 60)).series;
    expect([stream.points[4].count, stream.points[4].sum]).toEqual([3, 30]);
  });

  it("rls: another tenant sees none of a tenant's histogram buckets", async () => {
    const other = await createTenant();
    expect(await readRows(other.id, "select 1 from metric_histogram_rollups")).toEqual([]);
    expect(await readRows(m.tenantId, "select 1 from metric_histogram_rollups")).not.toEqual([]);
  });
});
