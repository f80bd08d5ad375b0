// Real-user monitoring storage (docs/ingest.md "RUM storage"): a narrow table of RUM events (page
// views and Web Vitals, one row of typed columns each, not a span with jsonb), hourly rollups the
// dashboard reads, and each tenant's route patterns. Events and hourly rollups are partitioned by
// day like spans (migrations/0064_rum_partitions.sql; drizzle does not model partitioning).
// Both tables are written only by the store functions (migrations/0036_rum_store.sql), in the
// same statement that inserts the raw rows, so a rollup counts exactly the events stored.
import {
  bigint,
  index,
  integer,
  jsonb,
  pgTable,
  primaryKey,
  real,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from "drizzle-orm/pg-core";
import { tenants } from "./tenants.ts";

const time = (name: string) => timestamp(name, { withTimezone: true, mode: "string", precision: 6 });

export const rumEvents = pgTable(
  "rum_events",
  {
    tenantId: uuid("tenant_id").notNull(),
    time: time("time").notNull(),
    /** The span id as a number (Sightline SDK spans), or a hash of the log record (OTel events). */
    eventId: bigint("event_id", { mode: "bigint" }).notNull(),
    sessionId: uuid("session_id"),
    /** `page_view`, or the vital: LCP, FCP, CLS, INP, TTFB. */
    metric: text("metric").notNull(),
    /** The vital's value (ms; CLS unitless); null for page views. */
    value: real("value"),
    route: text("route").notNull(),
    device: text("device").notNull(),
    network: text("network").notNull(),
    country: text("country").notNull(),
    colo: text("colo").notNull(),
    /** The LCP element / INP target (a CSS selector, never text). */
    target: text("target"),
  },
  // The dedup key of queue redeliveries, and the drill-down's index (one tenant, one time range).
  (t) => [uniqueIndex("rum_events_identity").on(t.tenantId, t.time, t.eventId)],
);

/**
 * The rollup columns and key, at two grains: hourly (ranges up to a few days) and daily (longer
 * ranges read at most one row per key and day, whatever the traffic).
 */
function rollupTable<Name extends string>(name: Name) {
  return pgTable(
    name,
    {
      tenantId: uuid("tenant_id").notNull(),
      /** The UTC hour (or day) the row counts. */
      time: time("time").notNull(),
      route: text("route").notNull(),
      metric: text("metric").notNull(),
      device: text("device").notNull(),
      network: text("network").notNull(),
      country: text("country").notNull(),
      /** Page views only ('' for vitals, which the dashboard does not group by colo). */
      colo: text("colo").notNull(),
      count: bigint("count", { mode: "number" }).notNull(),
      good: bigint("good", { mode: "number" }).notNull(),
      poor: bigint("poor", { mode: "number" }).notNull(),
      /** `{ bucket: count }` log buckets (worker/src/query/vital-sketch.ts); null for page views. */
      sketch: jsonb("sketch"),
    },
    (t) => [
      uniqueIndex(`${name}_identity`).on(
        t.tenantId,
        t.time,
        t.metric,
        t.route,
        t.device,
        t.network,
        t.country,
        t.colo,
      ),
    ],
  );
}

export const rumRollups = rollupTable("rum_rollups");
export const rumRollupsDaily = rollupTable("rum_rollups_daily");

/**
 * A Web Vitals cell's key after its time and width, and its counts: the columns rum_vitals_daily
 * and rum_vitals_hourly share (a function: each table needs its own column builders).
 */
const vitalCell = () => ({
  metric: text("metric").notNull(),
  /** The route, or '' for every route. */
  route: text("route").notNull(),
  /** '' (no breakdown), device, network or country. */
  dimension: text("dimension").notNull(),
  /** The dimension's value ('' with no breakdown). */
  value: text("value").notNull(),
  count: bigint("count", { mode: "number" }).notNull(),
  good: bigint("good", { mode: "number" }).notNull(),
  poor: bigint("poor", { mode: "number" }).notNull(),
  /**
   * The sketch (worker/src/query/vital-sketch.ts) as two arrays Postgres merges with unnest
   * instead of parsing jsonb: bucket ids ascending (the zero bucket is -2147483648) and counts.
   */
  buckets: integer("buckets").array().notNull(),
  counts: bigint("counts", { mode: "number" }).array().notNull(),
});

/**
 * The Web Vitals per single dimension and day (migrations/0066_rum_vitals_cube.sql): each of a
 * day's combination rows (rum_rollups_daily) counted into its cells — every route or its own route,
 * times no breakdown or one of device, network, country — so a view over many days reads
 * 1 + devices + networks + countries + routes rows per vital and day instead of their product.
 * The same cells also come merged over aligned blocks of 2, 4, … 64 days (migrations/0067_*), so a
 * range reads each cell of at most ~2·log2(days) blocks instead of one per day.
 * Written only by the compaction (rum_vitals_compact, the five-minute Cron), from days the store
 * marked stale in rum_vitals_stale; a stale day is read from the combinations instead.
 */
export const rumVitalsDaily = pgTable(
  "rum_vitals_daily",
  {
    tenantId: uuid("tenant_id").notNull(),
    /** The first UTC day the row counts. */
    time: time("time").notNull(),
    /** How many days from `time` it counts: 1, or a block of 2^k days starting a multiple of 2^k days after 2000-01-01. */
    days: integer("days").notNull().default(1),
    ...vitalCell(),
  },
  (t) => [
    uniqueIndex("rum_vitals_daily_identity").on(
      t.tenantId,
      t.time,
      t.days,
      t.metric,
      t.route,
      t.dimension,
      t.value,
    ),
  ],
);

/** Days whose rum_vitals_daily rows are missing or behind their combination rows. */
export const rumVitalsStale = pgTable(
  "rum_vitals_stale",
  { tenantId: uuid("tenant_id").notNull(), time: time("time").notNull() },
  (t) => [primaryKey({ columns: [t.tenantId, t.time] })],
);

/**
 * The same cells per hour (migrations/0068_rum_vitals_hourly.sql), from the hourly combination rows
 * (rum_rollups), and merged over aligned blocks of 2, 4, 8 and 16 hours: what a view of up to three
 * days reads (a 24-hour range is at most ~8 blocks per cell, not 24 hours of combinations). Kept for
 * the last four days (0070).
 */
export const rumVitalsHourly = pgTable(
  "rum_vitals_hourly",
  {
    tenantId: uuid("tenant_id").notNull(),
    /** The first UTC hour the row counts. */
    time: time("time").notNull(),
    /** How many hours from `time` it counts: 1, or 2^k starting a multiple of 2^k hours after 2000-01-01. */
    hours: integer("hours").notNull(),
    ...vitalCell(),
  },
  (t) => [
    uniqueIndex("rum_vitals_hourly_identity").on(
      t.tenantId,
      t.time,
      t.hours,
      t.metric,
      t.route,
      t.dimension,
      t.value,
    ),
  ],
);

/** Hours whose rum_vitals_hourly rows are missing or behind their combination rows. */
export const rumVitalsStaleHours = pgTable(
  "rum_vitals_stale_hours",
  { tenantId: uuid("tenant_id").notNull(), time: time("time").notNull() },
  (t) => [primaryKey({ columns: [t.tenantId, t.time] })],
);

/** An attribution rollup's key after its time, and its figures. */
const targetRow = () => ({
  tenantId: uuid("tenant_id").notNull(),
  time: time("time").notNull(),
  metric: text("metric").notNull(),
  route: text("route").notNull(),
  /** The LCP element / INP target (a CSS selector). */
  target: text("target").notNull(),
  count: bigint("count", { mode: "number" }).notNull(),
  /** `{ bucket: count }` (worker/src/query/vital-sketch.ts). */
  sketch: jsonb("sketch").notNull(),
});

/**
 * The Vitals drill-down's attribution (migrations/0079_rum_targets.sql): per tenant, UTC hour,
 * vital (LCP, INP), route and target the samples and their sketch, written by rum_events'
 * statement trigger from the events stored. Partitioned by day like rum_rollups.
 */
export const rumTargets = pgTable("rum_targets", targetRow(), (t) => [
  uniqueIndex("rum_targets_identity").on(t.tenantId, t.time, t.metric, t.route, t.target),
]);

/** The same per UTC day (0080), which ranges longer than three days read. Partitioned by day. */
export const rumTargetsDaily = pgTable("rum_targets_daily", targetRow(), (t) => [
  uniqueIndex("rum_targets_daily_identity").on(t.tenantId, t.time, t.metric, t.route, t.target),
]);

/**
 * The Vitals drill-down's sessions of a route (migrations/0081_rum_sessions.sql): per tenant,
 * route, session and UTC hour, the session's first and last event there and its counts, written by
 * rum_events' statement trigger. The drill-down walks `rum_sessions_recent` newest first and stops
 * at the sessions it shows, so its cost follows that limit, not the traffic. Partitioned by day.
 */
export const rumSessions = pgTable(
  "rum_sessions",
  {
    tenantId: uuid("tenant_id").notNull(),
    route: text("route").notNull(),
    sessionId: uuid("session_id").notNull(),
    /** The UTC hour the row counts. */
    time: time("time").notNull(),
    firstTime: time("first_time").notNull(),
    lastTime: time("last_time").notNull(),
    pageViews: integer("page_views").notNull(),
    vitals: integer("vitals").notNull(),
    poorVitals: integer("poor_vitals").notNull(),
  },
  (t) => [
    // The upsert's key, and the drill-down's lookup of the sessions it picked.
    uniqueIndex("rum_sessions_identity").on(t.tenantId, t.route, t.sessionId, t.time),
    index("rum_sessions_recent").on(t.tenantId, t.route, t.lastTime),
  ],
);

export const rumRoutePatterns = pgTable("rum_route_patterns", {
  tenantId: uuid("tenant_id")
    .primaryKey()
    .references(() => tenants.id, { onDelete: "cascade" }),
  /** Ordered: the first pattern that matches a path names its route. */
  patterns: text("patterns").array().notNull(),
});
