// GET /api/tenants/:tid/metrics/:name with each metric type's semantics (docs/query.md, "Metric
// semantics"), against series computed by hand: OTLP/JSON points at known times, read back per step.
import { beforeAll, describe, expect, it } from "vitest";
import { JSON_TYPE, kv, member, read, type Member } from "./support/query.ts";
import { postOtlp } from "./support/telemetry.ts";

const MINUTE = 60_000;
// Ten one-minute steps, ending a while ago (every point is in the past).
const FROM = Math.floor(Date.now() / MINUTE) * MINUTE - 30 * MINUTE;
const at = (seconds: number) => (BigInt(FROM + seconds * 1000) * 1_000_000n).toString();
const LONG_AGO = at(-3600);
const range = `from=${new Date(FROM).toISOString()}&to=${new Date(FROM + 10 * MINUTE).toISOString()}&step=60`;

let m: Member;

beforeAll(async () => {
  m = await member();
  const metrics = [
    {
      name: "http.requests",
      unit: "{request}",
      sum: {
        aggregationTemporality: 2,
        isMonotonic: true,
        dataPoints: [
          [-30, 100],
          [10, 160],
          [40, 220],
          [70, 40], // a restart: 40 counted from zero
          [130, 100],
        ].map(([t, value]) => ({ startTimeUnixNano: LONG_AGO, timeUnixNano: at(t), asInt: String(value) })),
      },
    },
    {
      name: "jobs.done",
      sum: {
        aggregationTemporality: 1,
        isMonotonic: true,
        dataPoints: [5, 20].map((t) => ({ startTimeUnixNano: at(t - 15), timeUnixNano: at(t), asInt: "30" })),
      },
    },
    {
      name: "queue.depth",
      sum: {
        aggregationTemporality: 2,
        isMonotonic: false,
        dataPoints: [
          [10, 4],
          [50, 9],
        ].map(([t, value]) => ({ startTimeUnixNano: LONG_AGO, timeUnixNano: at(t), asDouble: value })),
      },
    },
    {
      name: "http.duration",
      unit: "ms",
      histogram: {
        aggregationTemporality: 2,
        dataPoints: [
          { t: -10, count: 2, sum: 12, buckets: [0, 1, 1, 0, 0, 0] },
          { t: 30, count: 12, sum: 130, buckets: [0, 3, 5, 3, 1, 0] },
        ].map(({ t, count, sum, buckets }) => ({
          startTimeUnixNano: LONG_AGO,
          timeUnixNano: at(t),
          count: String(count),
          sum,
          bucketCounts: buckets.map(String),
          explicitBounds: [0, 5, 10, 25, 50],
          attributes: [kv("route", "/pay")],
        })),
      },
    },
    {
      name: "payload.size",
      unit: "By",
      exponentialHistogram: {
        aggregationTemporality: 1,
        dataPoints: [
          {
            startTimeUnixNano: at(0),
            timeUnixNano: at(10),
            count: "4",
            sum: 10,
            scale: 0,
            zeroCount: "0",
            positive: { offset: 0, bucketCounts: ["2", "2"] },
          },
        ],
      },
    },
    {
      name: "gc.pause",
      summary: {
        dataPoints: [
          {
            startTimeUnixNano: LONG_AGO,
            timeUnixNano: at(20),
            count: "5",
            sum: 20,
            quantileValues: [
              { quantile: 0.5, value: 3 },
              { quantile: 0.99, value: 9 },
            ],
          },
        ],
      },
    },
  ];
  const body = JSON.stringify({
    resourceMetrics: [{ resource: { attributes: [kv("service.name", "api")] }, scopeMetrics: [{ metrics }] }],
  });
  const response = await postOtlp("metrics", body, { token: m.backend, contentType: JSON_TYPE });
  expect(response.status).toBe(200);
  expect(await response.json()).toEqual({});
});

type Series = {
  semantics: string;
  unit: string | null;
  stepSeconds: number;
  series: { attributes: Record<string, unknown>; points: Record<string, unknown>[] }[];
};

async function series(name: string): Promise<Series> {
  const response = await read(m, `/metrics/${name}?${range}`);
  expect(response.status).toBe(200);
  return response.json<Series>();
}

describe("metric semantics", () => {
  it("a cumulative monotonic sum is a per-second rate from differences, resets handled", async () => {
    const result = await series("http.requests");
    expect(result).toMatchObject({ semantics: "rate", unit: "{request}", stepSeconds: 60 });
    const [only] = result.series;
    expect(only.points).toHaveLength(10);
    expect(only.points[0].time).toBe(new Date(FROM).toISOString());
    // Step 0: 60 + 60; step 1: 40 after the restart; step 2: 60; then no data (null, not 0).
    expect(only.points.map((p) => p.rate)).toEqual([2, 40 / 60, 1, ...new Array(7).fill(null)]);
  });

  it("a delta monotonic sum is summed per step", async () => {
    const [only] = (await series("jobs.done")).series;
    expect(only.points.slice(0, 2).map((p) => p.rate)).toEqual([1, null]);
  });

  it("a non-monotonic sum is its last value per step", async () => {
    const result = await series("queue.depth");
    expect(result.semantics).toBe("sum");
    expect(result.series[0].points.slice(0, 2).map((p) => p.value)).toEqual([9, null]);
  });

  it("an explicit histogram gives p50, p90, p99, count and sum of the step's observations", async () => {
    const result = await series("http.duration");
    expect(result.semantics).toBe("histogram");
    expect(result.series[0].attributes).toEqual({ route: "/pay" });
    const [first, second] = result.series[0].points;
    expect(first).toMatchObject({ p50: 8.75, p90: 25, count: 10, sum: 118 });
    expect(first.p99).toBeCloseTo(47.5, 10);
    expect(second).toMatchObject({ p50: null, count: null });
  });

  it("an exponential histogram gives quantiles from its base-2 buckets", async () => {
    const [first] = (await series("payload.size")).series[0].points;
    // (1,2] holds 2, (2,4] holds 2: rank 2 → 2; rank 3.6 → 2 + 2·1.6/2; rank 3.96 → 3.96.
    expect(first).toMatchObject({ p50: 2, count: 4, sum: 10 });
    expect(first.p90).toBeCloseTo(3.6, 10);
    expect(first.p99).toBeCloseTo(3.96, 10);
  });

  it("a summary gives its own quantiles", async () => {
    const result = await series("gc.pause");
    expect(result.semantics).toBe("summary");
    expect(result.series[0].points[0]).toMatchObject({
      quantiles: { "0.5": 3, "0.99": 9 },
      count: 5,
      sum: 20,
    });
  });

  it("an unknown metric is an empty list of series", async () => {
    expect(await series("nothing.here")).toMatchObject({ semantics: null, series: [] });
  });
});

describe("metric names", () => {
  it("lists the names seen in the range, in name order, each with its newest point's unit and type", async () => {
    const names = async (from: number, to: number) => {
      const response = await read(
        m,
        `/metrics?from=${new Date(FROM + from * 1000).toISOString()}&to=${new Date(FROM + to * 1000).toISOString()}`,
      );
      expect(response.status).toBe(200);
      return (await response.json<{ metrics: { name: string; unit: string | null; type: string }[] }>())
        .metrics;
    };
    expect(await names(-60, 600)).toEqual([
      { name: "gc.pause", unit: null, type: "summary" },
      { name: "http.duration", unit: "ms", type: "histogram" },
      { name: "http.requests", unit: "{request}", type: "sum" },
      { name: "jobs.done", unit: null, type: "sum" },
      { name: "payload.size", unit: "By", type: "exponential_histogram" },
      { name: "queue.depth", unit: null, type: "sum" },
    ]);
    // Only what has a point in the range: from 0:55 on, http.requests (1:10, 2:10) alone.
    expect((await names(55, 600)).map((metric) => metric.name)).toEqual(["http.requests"]);
    expect(await names(600, 900)).toEqual([]);
  });

  it("reads a name's hour rows exactly where an hour holds points on both sides of the range", async () => {
    const HOUR = 60 * MINUTE;
    const hour = Math.floor(Date.now() / HOUR) * HOUR - 3 * HOUR;
    const own = await member();
    const gauge = (name: string, unit: string, minutes: number[]) => ({
      name,
      unit,
      gauge: {
        dataPoints: minutes.map((minute) => ({
          timeUnixNano: (BigInt(hour + minute * MINUTE) * 1_000_000n).toString(),
          asDouble: minute,
        })),
      },
    });
    const metrics = [
      gauge("disk.free", "MBy", [-30]),
      gauge("disk.free", "By", [10]),
      gauge("disk.free", "KiBy", [40]),
      gauge("temperature", "Cel", [5, 55]),
    ];
    const body = JSON.stringify({ resourceMetrics: [{ scopeMetrics: [{ metrics }] }] });
    expect((await postOtlp("metrics", body, { token: own.backend, contentType: JSON_TYPE })).status).toBe(
      200,
    );
    const names = async (from: number, to: number) => {
      const iso = (minute: number) => new Date(hour + minute * MINUTE).toISOString();
      const response = await read(own, `/metrics?from=${iso(from)}&to=${iso(to)}`);
      expect(response.status).toBe(200);
      const { metrics: listed } = await response.json<{ metrics: { name: string; unit: string }[] }>();
      return listed.map(({ name, unit }) => `${name} ${unit}`);
    };
    // Both hours' rows overlap the range, neither has a point in it.
    expect(await names(20, 30)).toEqual([]);
    // The hour's newest point (40, KiBy) is past the range: the newest one in it is (10, By).
    expect(await names(5, 30)).toEqual(["disk.free By", "temperature Cel"]);
    expect(await names(5, 60)).toEqual(["disk.free KiBy", "temperature Cel"]);
    expect(await names(-60, 20)).toEqual(["disk.free By", "temperature Cel"]);
    // The hour's first point is at or after the end: the hour before holds the newest one.
    expect(await names(-60, 5)).toEqual(["disk.free MBy"]);
  });
});
