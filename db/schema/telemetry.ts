// Telemetry storage: spans, log records and metric points. Every row carries tenant_id and every
// query is "one tenant, one time range", so each table leads its indexes with (tenant_id, time).
// The tables are partitioned by day on their time column (migrations/0040_partitioned_telemetry.sql;
// drizzle-kit does not model partitioning): unique keys include that column, as a unique index on a
// partitioned table must; see docs/ingest.md "Partitions". No foreign key to tenants:
// it would cost a lookup per inserted row on the hottest path; tenant deletion purges by job.
import { sql } from "drizzle-orm";
import {
  bigint,
  boolean,
  doublePrecision,
  index,
  integer,
  jsonb,
  pgTable,
  smallint,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from "drizzle-orm/pg-core";
import { hexId } from "./columns.ts";

const time = (name: string) => timestamp(name, { withTimezone: true, mode: "string", precision: 6 });

export const spans = pgTable(
  "spans",
  {
    tenantId: uuid("tenant_id").notNull(),
    // Bytes, not hex text (migrations/0051): 32 bytes less per span in the row, 24 in the identity
    // index. The API still speaks hex (hexId; the queries encode/decode).
    traceId: hexId("trace_id").notNull(),
    spanId: hexId("span_id").notNull(),
    parentSpanId: hexId("parent_span_id"),
    startTime: time("start_time").notNull(),
    durationNs: bigint("duration_ns", { mode: "number" }).notNull(),
    serviceName: text("service_name").notNull(),
    name: text("name").notNull(),
    kind: smallint("kind").notNull(),
    statusCode: smallint("status_code").notNull(),
    statusMessage: text("status_message"),
    attributes: jsonb("attributes").notNull(),
    resource: jsonb("resource").notNull(),
    scope: jsonb("scope"),
    events: jsonb("events"),
    links: jsonb("links"),
    /** "frontend" when sent with a frontend (browser) token: passed the privacy firewall. */
    source: text("source", { enum: ["backend", "frontend"] }).notNull(),
    ingestedAt: time("ingested_at").notNull().defaultNow(),
  },
  (t) => [
    // Dedupe key: a retried batch carries the same ids and start time (OTLP "Duplicate Data").
    uniqueIndex("spans_identity").on(t.tenantId, t.traceId, t.spanId, t.startTime),
    // The retention purge's "older than" within the day partition that straddles a tenant's
    // cutoff: a day's rows arrive in time order, so a BRIN finds them in a few pages per partition.
    index("spans_time_brin").using("brin", t.startTime),
    index("spans_tenant_name_time").on(t.tenantId, t.name, t.startTime.desc()),
    // Root spans only: the traces list reads these, not every span (by time, and by service), in
    // its exact order (`order by start_time desc, span_id desc`, whose DESC means NULLS FIRST): a
    // merge of the day partitions' index scans stops after one page of roots instead of sorting
    // every root of the range.
    index("spans_tenant_roots_time_id")
      .on(t.tenantId, t.startTime.desc().nullsFirst(), t.spanId.desc().nullsFirst())
      .where(sql`${t.parentSpanId} is null`),
    index("spans_tenant_service_roots_time_id")
      .on(t.tenantId, t.serviceName, t.startTime.desc().nullsFirst(), t.spanId.desc().nullsFirst())
      .where(sql`${t.parentSpanId} is null`),
  ],
);

export const logRecords = pgTable(
  "log_records",
  {
    tenantId: uuid("tenant_id").notNull(),
    time: time("time").notNull(),
    observedTime: time("observed_time"),
    /** A hash of the record's content: logs have no id, so a re-sent record is recognised by it. */
    recordKey: text("record_key").notNull(),
    serviceName: text("service_name").notNull(),
    severityNumber: smallint("severity_number").notNull(),
    severityText: text("severity_text"),
    body: text("body"),
    attributes: jsonb("attributes").notNull(),
    resource: jsonb("resource").notNull(),
    scope: jsonb("scope"),
    traceId: text("trace_id"),
    spanId: text("span_id"),
    eventName: text("event_name"),
    ingestedAt: time("ingested_at").notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex("log_records_identity").on(t.tenantId, t.time, t.recordKey),
    index("log_records_tenant_service_time").on(t.tenantId, t.serviceName, t.time.desc()),
    index("log_records_tenant_severity_time").on(t.tenantId, t.severityNumber, t.time.desc()),
  ],
);

/** A histogram's or a summary's fields, as sent (metric_points, metric_histogram_rollups). */
const distribution = () => ({
  count: bigint("count", { mode: "number" }),
  sum: doublePrecision("sum"),
  min: doublePrecision("min"),
  max: doublePrecision("max"),
  bucketCounts: jsonb("bucket_counts"),
  explicitBounds: jsonb("explicit_bounds"),
  /** Exponential histograms: { scale, zeroCount, positive: { offset, counts }, negative: {…} }. */
  exponentialBuckets: jsonb("exponential_buckets"),
  /** Summaries: [{ quantile, value }] as sent. */
  quantiles: jsonb("quantiles"),
});

export const metricPoints = pgTable(
  "metric_points",
  {
    tenantId: uuid("tenant_id").notNull(),
    time: time("time").notNull(),
    startTime: time("start_time"),
    /** A hash of the point's identity (metric, attributes, resource, times, value). */
    pointKey: text("point_key").notNull(),
    serviceName: text("service_name").notNull(),
    name: text("name").notNull(),
    unit: text("unit"),
    description: text("description"),
    type: text("type", { enum: ["gauge", "sum", "histogram", "exponential_histogram", "summary"] }).notNull(),
    /** Gauge and sum: the value; histograms and summaries: sum / count (the mean). */
    value: doublePrecision("value"),
    ...distribution(),
    temporality: smallint("temporality"),
    isMonotonic: boolean("is_monotonic"),
    attributes: jsonb("attributes").notNull(),
    resource: jsonb("resource").notNull(),
    ingestedAt: time("ingested_at").notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex("metric_points_identity").on(t.tenantId, t.time, t.pointKey),
    index("metric_points_tenant_name_time").on(t.tenantId, t.name, t.time.desc()),
  ],
);

/**
 * Log records counted per tenant, minute (log_severity_rollups, migration 0073) or hour (_hourly,
 * 0074), service and severity number: the logs page's severity chart reads these instead of every
 * record of its range. Partitioned by day.
 */
const logSeverityRollupsOf = (name: string) =>
  pgTable(
    name,
    {
      tenantId: uuid("tenant_id").notNull(),
      time: time("time").notNull(),
      serviceName: text("service_name").notNull(),
      severityNumber: smallint("severity_number").notNull(),
      count: bigint("count", { mode: "number" }).notNull(),
    },
    (t) => [uniqueIndex(`${name}_identity`).on(t.tenantId, t.time, t.serviceName, t.severityNumber)],
  );
export const logSeverityRollups = logSeverityRollupsOf("log_severity_rollups");
export const logSeverityRollupsHourly = logSeverityRollupsOf("log_severity_rollups_hourly");

/** A metric bucket's key: tenant, metric, width, start and stream (metric_rollups and _histogram_). */
const metricBucketKey = () => ({
  tenantId: uuid("tenant_id").notNull(),
  name: text("name").notNull(),
  /** The bucket's width: 60 or 3600. */
  seconds: integer("seconds").notNull(),
  time: time("time").notNull(),
  /** md5 of the stream's identity: type, service, resource and attributes. */
  streamKey: text("stream_key").notNull(),
});

/** A metric bucket's stream, as the raw query groups points into streams and series. */
const metricStream = () => ({
  serviceName: text("service_name").notNull(),
  /** md5 of the resource (a stream is one resource's series, as in the raw query). */
  resourceHash: text("resource_hash").notNull(),
  attributes: jsonb("attributes").notNull(),
  unit: text("unit"),
});

/**
 * Metric series' rollup (migrations/0071_metric_rollups.sql): gauges and sums downsampled per
 * minute and per hour (`seconds`), one row per stream (type, service, resource, attributes) and
 * bucket, so a series over days reads buckets instead of every point. A row is what the series math
 * (worker/src/query/metric-steps.ts) needs of the bucket's points: the first and the last point,
 * and `gain`, the increase from the first to the last (delta points: the sum of all their values).
 * Recomputed from the points of each touched bucket by a statement trigger on metric_points.
 */
export const metricRollups = pgTable(
  "metric_rollups",
  {
    ...metricBucketKey(),
    type: text("type", { enum: ["gauge", "sum"] }).notNull(),
    ...metricStream(),
    isMonotonic: boolean("is_monotonic"),
    temporality: smallint("temporality"),
    points: integer("points").notNull(),
    firstTime: time("first_time").notNull(),
    firstStart: time("first_start"),
    firstValue: doublePrecision("first_value"),
    lastTime: time("last_time").notNull(),
    lastStart: time("last_start"),
    lastValue: doublePrecision("last_value"),
    gain: doublePrecision("gain").notNull(),
  },
  (t) => [uniqueIndex("metric_rollups_identity").on(t.tenantId, t.name, t.seconds, t.time, t.streamKey)],
);

/**
 * Histograms' and summaries' rollup (migrations/0075_metric_histogram_rollups.sql): per stream and
 * bucket of a minute and of an hour, the bucket's first point (`role` 1) and last point (2), whole.
 * A cumulative histogram's increase over any run of its points is the last one minus the first when
 * nothing in between resets it (`telescopes`), so those two points give the series math
 * (worker/src/query/metric-steps.ts) what all of them give; a summary shows its last point per
 * step. A bucket of delta histogram points of one layout is stored instead as those points merged
 * into one (`role` 3, migration 0076): delta increments add up. Other buckets that do not telescope
 * (a reset, changed bounds or scale, mixed temporality) are read from their points. Recomputed from
 * the points of each touched bucket by a statement trigger.
 */
export const metricHistogramRollups = pgTable(
  "metric_histogram_rollups",
  {
    ...metricBucketKey(),
    /** 1: the bucket's first point, 2: its last (the same point when the bucket holds one). */
    role: smallint("role").notNull(),
    /** The bucket's point count and whether its first and last points stand for all of them. */
    points: integer("points").notNull(),
    telescopes: boolean("telescopes").notNull(),
    type: text("type", { enum: ["histogram", "exponential_histogram", "summary"] }).notNull(),
    ...metricStream(),
    temporality: smallint("temporality"),
    pointTime: time("point_time").notNull(),
    startTime: time("start_time"),
    ...distribution(),
  },
  (t) => [
    uniqueIndex("metric_histogram_rollups_identity").on(
      t.tenantId,
      t.name,
      t.seconds,
      t.time,
      t.streamKey,
      t.role,
    ),
  ],
);

/**
 * The metric picker's rollup (migrations/0077_metric_name_hours.sql): per tenant, hour and metric
 * name, the first and last point's time and the unit and type of the last, so listing the names of
 * a range reads names x hours rows, not the points' index per day partition. Maintained by a
 * statement trigger on metric_points from the points actually inserted.
 */
export const metricNameHours = pgTable(
  "metric_name_hours",
  {
    tenantId: uuid("tenant_id").notNull(),
    time: time("time").notNull(),
    name: text("name").notNull(),
    firstTime: time("first_time").notNull(),
    lastTime: time("last_time").notNull(),
    unit: text("unit"),
    type: text("type").notNull(),
  },
  (t) => [uniqueIndex("metric_name_hours_identity").on(t.tenantId, t.time, t.name)],
);

/** A services overview rollup row's figures: entry spans, failures and their durations. */
const spanRollupFigures = () => ({
  serviceName: text("service_name").notNull(),
  spanName: text("span_name").notNull(),
  spanCount: bigint("span_count", { mode: "number" }).notNull(),
  errorCount: bigint("error_count", { mode: "number" }).notNull(),
  durationSketch: jsonb("duration_sketch").notNull(),
});

/**
 * The services overview's rollup: per tenant, minute, service and span name, the count of entry
 * spans (roots and server/consumer spans), how many failed, and a log-bucket sketch of their
 * durations ({ bucket index: count }, worker/src/query/duration-sketch.ts). Maintained by a
 * statement-level trigger on spans (migrations/0022_span_rollups.sql), whatever code inserts them.
 */
export const spanRollups = pgTable(
  "span_rollups",
  { tenantId: uuid("tenant_id").notNull(), minute: time("minute").notNull(), ...spanRollupFigures() },
  (t) => [uniqueIndex("span_rollups_identity").on(t.tenantId, t.minute, t.serviceName, t.spanName)],
);

/**
 * The same per hour (migrations/0078_span_rollups_hourly.sql), written by the same trigger: an
 * overview whose sparkline steps are whole hours from a whole hour reads these for its whole
 * hours and minutes only for its last, partial hour. Partitioned by day.
 */
export const spanRollupsHourly = pgTable(
  "span_rollups_hourly",
  { tenantId: uuid("tenant_id").notNull(), time: time("time").notNull(), ...spanRollupFigures() },
  (t) => [uniqueIndex("span_rollups_hourly_identity").on(t.tenantId, t.time, t.serviceName, t.spanName)],
);
