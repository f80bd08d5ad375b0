// ExportMetricsServiceRequest → one row per data point, whatever the metric type. Histograms and
// summaries keep count/sum/min/max and their distribution (explicit buckets, the exponential
// bucket layout, the summary's quantiles) for the query API's quantiles; `value` is the number for
// gauges and sums, the mean for the others.
import { attributesOf, serviceNameOf, type Attributes } from "./attributes.ts";
import type { ExportMetricsServiceRequest, Metric } from "./generated/otlp_pb.ts";
import { Rejections, type Mapped } from "./rejections.ts";
import { isoFromNanos, latestAcceptedNanos } from "./timestamps.ts";

export type MetricType = "gauge" | "sum" | "histogram" | "exponential_histogram" | "summary";

export type ExponentialBuckets = {
  scale: number;
  zeroCount: number;
  positive: { offset: number; counts: number[] };
  negative: { offset: number; counts: number[] };
};

export type MetricRow = {
  time: string;
  start_time: string | null;
  service_name: string;
  name: string;
  unit: string | null;
  description: string | null;
  type: MetricType;
  value: number | null;
  count: number | null;
  sum: number | null;
  min: number | null;
  max: number | null;
  bucket_counts: number[] | null;
  explicit_bounds: number[] | null;
  exponential_buckets: ExponentialBuckets | null;
  quantiles: { quantile: number; value: number }[] | null;
  temporality: number | null;
  is_monotonic: boolean | null;
  attributes: Attributes;
  resource: Attributes;
};

/** The parts of a point that differ between metric types. */
type Point = {
  startTimeUnixNano: bigint;
  timeUnixNano: bigint;
  attributes: Parameters<typeof attributesOf>[0];
  values: Partial<
    Pick<
      MetricRow,
      | "value"
      | "count"
      | "sum"
      | "min"
      | "max"
      | "bucket_counts"
      | "explicit_bounds"
      | "exponential_buckets"
      | "quantiles"
    >
  >;
};

export function mapMetrics(request: ExportMetricsServiceRequest, now: number): Mapped<MetricRow> {
  const rows: MetricRow[] = [];
  const rejections = new Rejections();
  const latest = latestAcceptedNanos(now);
  for (const resourceMetrics of request.resourceMetrics) {
    const resource = attributesOf(resourceMetrics.resource?.attributes ?? []);
    const serviceName = serviceNameOf(resource);
    for (const scopeMetrics of resourceMetrics.scopeMetrics) {
      for (const metric of scopeMetrics.metrics) {
        const { type, points, temporality, isMonotonic } = pointsOf(metric);
        if (!metric.name) {
          rejections.add("metric without a name", Math.max(points.length, 1));
          continue;
        }
        if (temporality !== null && (temporality < 0 || temporality > 2)) {
          rejections.add("invalid aggregation_temporality", Math.max(points.length, 1));
          continue;
        }
        for (const point of points) {
          const problem = problemOf(point, latest);
          if (problem) {
            rejections.add(problem);
            continue;
          }
          rows.push({
            time: isoFromNanos(point.timeUnixNano),
            start_time: point.startTimeUnixNano ? isoFromNanos(point.startTimeUnixNano) : null,
            service_name: serviceName,
            name: metric.name,
            unit: metric.unit || null,
            description: metric.description || null,
            type: type!,
            value: null,
            count: null,
            sum: null,
            min: null,
            max: null,
            bucket_counts: null,
            explicit_bounds: null,
            exponential_buckets: null,
            quantiles: null,
            ...point.values,
            temporality,
            is_monotonic: isMonotonic,
            attributes: attributesOf(point.attributes),
            resource,
          });
        }
      }
    }
  }
  return { rows, ...rejections.summary("data points") };
}

function problemOf(point: Point, latest: bigint): string | null {
  if (point.timeUnixNano === 0n) return "missing time_unix_nano";
  if (point.timeUnixNano > latest) return "time_unix_nano in the future";
  // count is a bigint column; fixed64 on the wire can exceed it.
  if ((point.values.count ?? 0) > Number.MAX_SAFE_INTEGER) return "count out of range";
  return null;
}

type Points = {
  type: MetricType | null;
  points: Point[];
  temporality: number | null;
  isMonotonic: boolean | null;
};

function pointsOf(metric: Metric): Points {
  const data = metric.data;
  switch (data.case) {
    case "gauge":
    case "sum": {
      const points = data.value.dataPoints.map((point) => ({
        ...point,
        values: {
          value: point.value.case === "asInt" ? Number(point.value.value) : (point.value.value ?? null),
        },
      }));
      return data.case === "gauge"
        ? { type: "gauge", points, temporality: null, isMonotonic: null }
        : {
            type: "sum",
            points,
            temporality: data.value.aggregationTemporality,
            isMonotonic: data.value.isMonotonic,
          };
    }
    case "histogram":
      return {
        type: "histogram",
        temporality: data.value.aggregationTemporality,
        isMonotonic: null,
        points: data.value.dataPoints.map((point) => ({
          ...point,
          values: {
            ...statsOf(point.count, point.sum, point.min, point.max),
            bucket_counts: point.bucketCounts.map(Number),
            explicit_bounds: point.explicitBounds,
          },
        })),
      };
    case "exponentialHistogram":
      return {
        type: "exponential_histogram",
        temporality: data.value.aggregationTemporality,
        isMonotonic: null,
        points: data.value.dataPoints.map((point) => ({
          ...point,
          values: {
            ...statsOf(point.count, point.sum, point.min, point.max),
            exponential_buckets: {
              scale: point.scale,
              zeroCount: Number(point.zeroCount),
              positive: bucketsOf(point.positive),
              negative: bucketsOf(point.negative),
            },
          },
        })),
      };
    case "summary":
      return {
        type: "summary",
        temporality: null,
        isMonotonic: null,
        points: data.value.dataPoints.map((point) => ({
          ...point,
          values: {
            ...statsOf(point.count, point.sum),
            quantiles: point.quantileValues.map(({ quantile, value }) => ({ quantile, value })),
          },
        })),
      };
    default:
      return { type: null, points: [], temporality: null, isMonotonic: null };
  }
}

function statsOf(count: bigint, sum?: number, min?: number, max?: number): Point["values"] {
  const n = Number(count);
  return {
    count: n,
    sum: sum ?? null,
    min: min ?? null,
    max: max ?? null,
    value: sum !== undefined && n > 0 ? sum / n : null,
  };
}

function bucketsOf(buckets?: { offset: number; bucketCounts: bigint[] }): ExponentialBuckets["positive"] {
  return { offset: buckets?.offset ?? 0, counts: (buckets?.bucketCounts ?? []).map(Number) };
}
