// The series math of GET /api/tenants/:tid/metrics/:name (docs/query.md, "Metric semantics"): raw
// points of one series → one point per step. A series may hold several streams (the same attributes
// from several resources, or a restarted process): cumulative values are differenced within their
// own stream, then the streams' contributions are combined per step.
// - monotonic sums → `rate` per second: delta points summed; cumulative points from differences
//   (a lower value or a new start time is a reset: the new value counts from zero); a stream's
//   first point counts only when the stream started inside the window read, else it is a baseline.
// - gauges and non-monotonic sums → `value`: the last point of each stream in the step; streams
//   are added for sums (sums are additive) and averaged for gauges.
// - histograms → `p50`, `p90`, `p99`, `count`, `sum` of the observations made in the step.
// - summaries → the last point's `quantiles`, `count`, `sum` (quantiles cannot be merged).
import {
  combineExplicit,
  combineExponential,
  explicitQuantile,
  exponentialQuantile,
  type Explicit,
  type Exponential,
} from "./bucket-quantiles.ts";

export type Semantics = "rate" | "sum" | "gauge" | "histogram" | "summary";

export type RawPoint = {
  stream: string;
  time: number;
  startTime: number | null;
  delta: boolean;
  value: number | null;
  count: number | null;
  sum: number | null;
  min: number | null;
  max: number | null;
  explicit: Explicit | null;
  exponential: Exponential | null;
  quantiles: { quantile: number; value: number }[] | null;
  /** Known increase over the stream's previous point (a rollup bucket's gain, computed in SQL). */
  increase?: number;
};

/** `time` and the semantics' fields: rate | value | p50, p90, p99, count, sum | quantiles, count, sum. */
export type StepPoint = { time: string; [field: string]: string | number | null | Record<string, number> };

/** Steps of `stepMs` from `from`; points from `windowStart` (before `from`) serve as baselines only. */
export type Steps = { from: number; stepMs: number; count: number; windowStart: number };

type Increment = Pick<RawPoint, "value" | "count" | "sum" | "min" | "max" | "explicit" | "exponential">;

export function semanticsOf(type: string, isMonotonic: boolean | null): Semantics {
  if (type === "sum") return isMonotonic ? "rate" : "sum";
  if (type === "histogram" || type === "exponential_histogram") return "histogram";
  return type === "summary" ? "summary" : "gauge";
}

export function stepPoints(semantics: Semantics, points: RawPoint[], steps: Steps): StepPoint[] {
  const perStep = Array.from(
    { length: steps.count },
    () => [] as { point: RawPoint; increment?: Increment }[],
  );
  const stepOf = (time: number) => Math.floor((time - steps.from) / steps.stepMs);
  for (const stream of streamsOf(points)) {
    const contributions =
      semantics === "rate" || semantics === "histogram"
        ? increments(stream, steps.windowStart, semantics === "rate" ? rateDifference : histogramDifference)
        : stream.map((point) => ({ point }));
    for (const contribution of contributions) perStep[stepOf(contribution.point.time)]?.push(contribution);
  }
  return perStep.map((entries, k) => ({
    time: new Date(steps.from + k * steps.stepMs).toISOString(),
    ...fieldsOf(semantics, entries, steps.stepMs / 1000),
  }));
}

function streamsOf(points: RawPoint[]): RawPoint[][] {
  const streams = new Map<string, RawPoint[]>();
  for (const point of points) {
    const stream = streams.get(point.stream);
    if (stream) stream.push(point);
    else streams.set(point.stream, [point]);
  }
  return [...streams.values()].map((stream) => stream.sort((a, b) => a.time - b.time));
}

/** Each point's increment over its predecessor; `difference` answers null on a reset. */
function increments(
  stream: RawPoint[],
  windowStart: number,
  difference: (point: RawPoint, previous: RawPoint) => Increment | null,
): { point: RawPoint; increment: Increment }[] {
  return stream.flatMap((point, i) => {
    const previous = stream[i - 1];
    if (point.increase !== undefined)
      return [{ point, increment: { ...unknownExtremes(point), value: point.increase } }];
    if (point.delta) return [{ point, increment: point }];
    if (!previous)
      return point.startTime !== null && point.startTime >= windowStart ? [{ point, increment: point }] : [];
    const restarted =
      point.startTime !== null && previous.startTime !== null && point.startTime !== previous.startTime;
    const increment = restarted ? null : difference(point, previous);
    return [{ point, increment: increment ?? point }];
  });
}

function rateDifference(point: RawPoint, previous: RawPoint): Increment | null {
  if (point.value === null || previous.value === null || point.value < previous.value) return null;
  return { ...unknownExtremes(point), value: point.value - previous.value };
}

function histogramDifference(point: RawPoint, previous: RawPoint): Increment | null {
  if (point.count === null || previous.count === null || point.count < previous.count) return null;
  const explicit =
    point.explicit && previous.explicit ? combineExplicit(point.explicit, previous.explicit, -1) : null;
  if (point.explicit && !explicit) return null;
  return {
    ...unknownExtremes(point),
    count: point.count - previous.count,
    sum: point.sum !== null && previous.sum !== null ? point.sum - previous.sum : null,
    explicit,
    exponential:
      point.exponential && previous.exponential
        ? combineExponential(point.exponential, previous.exponential, -1)
        : null,
  };
}

/** A difference of cumulative points: the step's own min and max are unknown. */
const unknownExtremes = (point: RawPoint): Increment => ({ ...point, min: null, max: null });

type Entry = { point: RawPoint; increment?: Increment };

type Fields = Record<string, number | null | Record<string, number>>;

function fieldsOf(semantics: Semantics, entries: Entry[], stepSeconds: number): Fields {
  switch (semantics) {
    case "rate":
      return { rate: entries.length ? sumOf(entries.map((e) => e.increment!.value)) / stepSeconds : null };
    case "sum":
    case "gauge": {
      const last = lastPerStream(entries).map((point) => point.value ?? 0);
      if (!last.length) return { value: null };
      return { value: semantics === "sum" ? sumOf(last) : sumOf(last) / last.length };
    }
    case "histogram":
      return histogramFields(entries.map((e) => e.increment!));
    case "summary": {
      const last = entries
        .map((e) => e.point)
        .sort((a, b) => a.time - b.time)
        .at(-1);
      return {
        quantiles: last
          ? Object.fromEntries((last.quantiles ?? []).map((q) => [String(q.quantile), q.value]))
          : null,
        count: last?.count ?? null,
        sum: last?.sum ?? null,
      };
    }
  }
}

function lastPerStream(entries: Entry[]): RawPoint[] {
  const last = new Map<string, RawPoint>();
  for (const { point } of entries) {
    const seen = last.get(point.stream);
    if (!seen || seen.time <= point.time) last.set(point.stream, point);
  }
  return [...last.values()];
}

function histogramFields(increments: Increment[]): Fields {
  const empty = { p50: null, p90: null, p99: null, count: null, sum: null };
  if (!increments.length) return empty;
  let explicit: Explicit | null = null;
  let exponential: Exponential | null = null;
  for (const increment of increments) {
    if (increment.explicit)
      explicit = explicit ? (combineExplicit(explicit, increment.explicit) ?? explicit) : increment.explicit;
    if (increment.exponential)
      exponential = exponential
        ? combineExponential(exponential, increment.exponential)
        : increment.exponential;
  }
  const known = {
    min: increments.every((i) => i.min !== null) ? Math.min(...increments.map((i) => i.min!)) : null,
    max: increments.every((i) => i.max !== null) ? Math.max(...increments.map((i) => i.max!)) : null,
  };
  const quantile = (q: number) =>
    explicit
      ? explicitQuantile(q, explicit, known)
      : exponential
        ? exponentialQuantile(q, exponential, known)
        : null;
  return {
    p50: quantile(0.5),
    p90: quantile(0.9),
    p99: quantile(0.99),
    count: sumOf(increments.map((i) => i.count)),
    sum: increments.every((i) => i.sum !== null) ? sumOf(increments.map((i) => i.sum)) : null,
  };
}

const sumOf = (values: (number | null)[]) => values.reduce<number>((sum, value) => sum + (value ?? 0), 0);
