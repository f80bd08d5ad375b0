// The metric series math against series computed by hand (docs/query.md, "Metric semantics").
import { describe, expect, it } from "vitest";
import { stepPoints, type RawPoint, type Steps } from "../../worker/src/query/metric-steps.ts";

const FROM = Date.UTC(2026, 0, 1);
const S = 1000;
const steps: Steps = { from: FROM, stepMs: 60 * S, count: 4, windowStart: FROM - 60 * S };

function point(at: number, fields: Partial<RawPoint> = {}): RawPoint {
  return {
    stream: "a",
    time: FROM + at * S,
    startTime: FROM - 600 * S,
    delta: false,
    value: null,
    count: null,
    sum: null,
    min: null,
    max: null,
    explicit: null,
    exponential: null,
    quantiles: null,
    ...fields,
  };
}

const field = (points: ReturnType<typeof stepPoints>, name: string) => points.map((p) => p[name]);

describe("monotonic sums: rate per second", () => {
  it("differences a cumulative counter, the point before the range as baseline, a drop as a reset", () => {
    const points = [
      point(-10, { value: 100 }),
      point(10, { value: 130 }),
      point(30, { value: 160 }),
      point(50, { value: 10 }), // reset: 10 since the restart
      point(70, { value: 70 }),
      point(130, { value: 100 }),
    ];
    // Step 0: 30 + 30 + 10 = 70 in 60 s; step 1: 60; step 2: 30; step 3: no data.
    expect(field(stepPoints("rate", points, steps), "rate")).toEqual([70 / 60, 1, 0.5, null]);
  });

  it("counts a first point in full only when its stream started inside the window", () => {
    const lateStart = [point(20, { value: 12, startTime: FROM }), point(80, { value: 18, startTime: FROM })];
    expect(field(stepPoints("rate", lateStart, steps), "rate")).toEqual([0.2, 0.1, null, null]);
    const earlyStart = [point(20, { value: 12 }), point(80, { value: 18 })];
    expect(field(stepPoints("rate", earlyStart, steps), "rate")).toEqual([null, 0.1, null, null]);
  });

  it("treats a new start time as a restart even when the value grew", () => {
    const points = [point(10, { value: 5 }), point(70, { value: 50, startTime: FROM + 40 * S })];
    expect(field(stepPoints("rate", points, steps), "rate")).toEqual([null, 50 / 60, null, null]);
  });

  it("sums delta points per step and adds the streams of one series", () => {
    const points = [
      point(10, { value: 6, delta: true }),
      point(40, { value: 12, delta: true }),
      point(20, { value: 3, delta: true, stream: "b" }),
      point(200, { value: 30, delta: true }),
    ];
    expect(field(stepPoints("rate", points, steps), "rate")).toEqual([21 / 60, null, null, 0.5]);
  });
});

describe("gauges and non-monotonic sums: the last value per step", () => {
  const points = [
    point(10, { value: 1 }),
    point(50, { value: 4 }),
    point(30, { value: 10, stream: "b" }),
    point(130, { value: 7 }),
  ];

  it("averages the streams' last values of a gauge and leaves empty steps empty", () => {
    expect(field(stepPoints("gauge", points, steps), "value")).toEqual([7, null, 7, null]);
  });

  it("adds the streams' last values of a non-monotonic sum", () => {
    expect(field(stepPoints("sum", points, steps), "value")).toEqual([14, null, 7, null]);
  });
});

describe("histograms: quantiles, count and sum of the step's observations", () => {
  const bounds = [0, 5, 10, 25, 50];

  it("differences cumulative explicit buckets and interpolates inside the bucket", () => {
    const points = [
      point(-30, { count: 2, sum: 12, explicit: { bounds, counts: [0, 1, 1, 0, 0, 0] } }),
      point(30, { count: 12, sum: 130, explicit: { bounds, counts: [0, 3, 5, 3, 1, 0] } }),
    ];
    // Increments [0, 2, 4, 3, 1, 0]: rank 5 → 5 + 5·3/4; rank 9 → 25; rank 9.9 → 25 + 25·0.9.
    const [first] = stepPoints("histogram", points, steps);
    expect(first).toMatchObject({
      time: new Date(FROM).toISOString(),
      p50: 8.75,
      p90: 25,
      count: 10,
      sum: 118,
    });
    expect(first.p99).toBeCloseTo(47.5, 10);
  });

  it("adds delta histograms of several streams and clamps to their max", () => {
    const points = [
      point(10, {
        delta: true,
        count: 4,
        sum: 30,
        min: 2,
        max: 40,
        explicit: { bounds, counts: [0, 1, 2, 1, 0, 0] },
      }),
      point(20, {
        delta: true,
        count: 6,
        sum: 88,
        min: 1,
        max: 30,
        stream: "b",
        explicit: { bounds, counts: [0, 1, 2, 2, 1, 0] },
      }),
    ];
    const [first] = stepPoints("histogram", points, steps);
    expect(first).toMatchObject({ p50: 8.75, p90: 25, p99: 40, count: 10, sum: 118 });
  });

  it("merges exponential buckets of different scales at the coarser one", () => {
    const scale0 = {
      scale: 0,
      zeroCount: 0,
      positive: new Map([
        [0, 2],
        [1, 2],
      ]),
      negative: new Map(),
    };
    const scale1 = { scale: 1, zeroCount: 0, positive: new Map([[2, 4]]), negative: new Map() };
    const points = [
      point(10, { delta: true, count: 4, sum: 10, exponential: scale0 }),
      point(20, { delta: true, count: 4, sum: 10, exponential: scale1, stream: "b" }),
    ];
    // Scale 0: (1,2] holds 2, (2,4] holds 2 + 4. Rank 4 → 2 + 2·2/6; rank 7.2 → 2 + 2·5.2/6.
    const [first] = stepPoints("histogram", points, steps);
    expect(first.p50).toBeCloseTo(2 + 4 / 6, 10);
    expect(first.p90).toBeCloseTo(2 + 10.4 / 6, 10);
    expect(first).toMatchObject({ count: 8, sum: 20 });
  });
});

describe("summaries", () => {
  it("shows the last point's quantiles in each step", () => {
    const quantiles = (p50: number) => [
      { quantile: 0.5, value: p50 },
      { quantile: 0.99, value: p50 * 3 },
    ];
    const points = [
      point(10, { count: 5, sum: 50, quantiles: quantiles(1) }),
      point(50, { count: 9, sum: 90, quantiles: quantiles(2) }),
    ];
    const [first, second] = stepPoints("summary", points, steps);
    expect(first).toMatchObject({ quantiles: { "0.5": 2, "0.99": 6 }, count: 9, sum: 90 });
    expect(second).toMatchObject({ quantiles: null, count: null, sum: null });
  });
});
