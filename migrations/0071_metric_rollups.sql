-- Metric series' rollup (issue 11; docs/query.md "Metric semantics", docs/ingest.md "Metric
-- rollups"): a series over days read every raw point of its range (up to 50,000, then truncated),
-- so its cost grew with the data. metric_rollups keeps, per stream (type, service, resource,
-- attributes) and bucket of a minute and of an hour, what the series math
-- (worker/src/query/metric-steps.ts) needs of the bucket's points for gauges and sums:
--   * the last point (gauges and non-monotonic sums show the last value per step),
--   * the first point and `gain`, the increase from the first point to the last with the math's
--     reset rule (a lower value or a new start time counts the new value from zero); for delta
--     points the sum of their values. A counter's increase over a step is then its buckets' gains
--     plus the increases between one bucket's last point and the next one's first: exact.
-- Histograms and summaries still read their points.
--
-- Buckets are recomputed, not added to: a point may arrive late, inside a bucket, and a gain
-- depends on the order of the bucket's points. The statement trigger on metric_points recomputes
-- the minutes it touched from their points, then those minutes' hours from their minutes, under a
-- transaction-level advisory lock per (tenant, metric): two writers of one metric take turns, and
-- the second one's statements (READ COMMITTED: a snapshot per statement) see the first one's
-- points. Partitioned by day like metric_points (registered: the Cron creates partitions ahead,
-- retention drops them).
CREATE TABLE "metric_rollups" (
	"tenant_id" uuid NOT NULL,
	"name" text NOT NULL,
	"seconds" integer NOT NULL,
	"time" timestamp(6) with time zone NOT NULL,
	"stream_key" text NOT NULL,
	"type" text NOT NULL,
	"service_name" text NOT NULL,
	"resource_hash" text NOT NULL,
	"attributes" jsonb NOT NULL,
	"unit" text,
	"is_monotonic" boolean,
	"temporality" smallint,
	"points" integer NOT NULL,
	"first_time" timestamp(6) with time zone NOT NULL,
	"first_start" timestamp(6) with time zone,
	"first_value" double precision,
	"last_time" timestamp(6) with time zone NOT NULL,
	"last_start" timestamp(6) with time zone,
	"last_value" double precision,
	"gain" double precision NOT NULL
) PARTITION BY RANGE (time);
--> statement-breakpoint
CREATE UNIQUE INDEX "metric_rollups_identity" ON "metric_rollups" USING btree ("tenant_id","name","seconds","time","stream_key");
--> statement-breakpoint
GRANT SELECT, INSERT, UPDATE ON metric_rollups TO sightline_app;
--> statement-breakpoint
ALTER TABLE metric_rollups ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE metric_rollups FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
CREATE POLICY tenant_isolation ON metric_rollups
  USING (tenant_id = app_tenant_id()) WITH CHECK (tenant_id = app_tenant_id());
--> statement-breakpoint
CREATE POLICY retention ON metric_rollups TO CURRENT_USER
  USING (app_retention_running()) WITH CHECK (app_retention_running());
--> statement-breakpoint
INSERT INTO partitioned_tables (parent, time_column) VALUES ('metric_rollups', 'time');
--> statement-breakpoint
-- A cumulative point's increase over the stream's previous point (metric-steps.ts, increments()):
-- a new start time or a lower value is a reset, the value then counts from zero; an unknown value
-- adds nothing.
CREATE FUNCTION metric_increase(p_value float8, p_previous float8, p_start timestamptz, p_previous_start timestamptz)
  RETURNS float8
  LANGUAGE sql IMMUTABLE PARALLEL SAFE
  SET search_path = pg_catalog, public, pg_temp
AS $$
  SELECT CASE
    WHEN p_value IS NULL THEN 0
    WHEN p_previous IS NULL OR p_start <> p_previous_start OR p_value < p_previous THEN p_value
    ELSE p_value - p_previous
  END
$$;
--> statement-breakpoint
-- Recomputes the minute buckets (tenant i, metric i, minute i) from their points, then the hours
-- holding them from their minutes. SECURITY INVOKER: the inserting role, under its RLS scope.
CREATE FUNCTION metric_rollups_rebuild(p_tenants uuid[], p_names text[], p_minutes timestamptz[]) RETURNS void
  LANGUAGE plpgsql SECURITY INVOKER
  SET search_path = pg_catalog, public, pg_temp
AS $$
BEGIN
  PERFORM pg_advisory_xact_lock(k)
  FROM (SELECT DISTINCT hashtextextended(t::text || '/' || n, 71) AS k FROM unnest(p_tenants, p_names) AS u(t, n)) AS keys
  ORDER BY k;

  WITH touched AS (
    SELECT DISTINCT t AS tenant_id, n AS name, m AS minute FROM unnest(p_tenants, p_names, p_minutes) AS u(t, n, m)
  ), keyed AS (
    SELECT t.minute, p.tenant_id, p.name, p.type, p.service_name, md5(p.resource::text) AS resource_hash,
      p.attributes, p.time, p.start_time, p.value, p.unit, p.is_monotonic, p.temporality, p.point_key,
      md5(concat_ws(' ', p.type, p.service_name, md5(p.resource::text), p.attributes::text)) AS stream_key
    FROM touched t
    JOIN metric_points p ON p.tenant_id = t.tenant_id AND p.name = t.name
      AND p.time >= t.minute AND p.time < t.minute + interval '1 minute'
    WHERE p.type IN ('gauge', 'sum')
  ), ordered AS (
    SELECT *, lag(value) OVER w AS previous_value, lag(start_time) OVER w AS previous_start,
      row_number() OVER w AS i, count(*) OVER (PARTITION BY tenant_id, name, minute, stream_key) AS n
    FROM keyed
    WINDOW w AS (PARTITION BY tenant_id, name, minute, stream_key ORDER BY time, point_key)
  )
  INSERT INTO metric_rollups AS r (tenant_id, name, seconds, time, stream_key, type, service_name,
    resource_hash, attributes, unit, is_monotonic, temporality, points, first_time, first_start,
    first_value, last_time, last_start, last_value, gain)
  SELECT tenant_id, name, 60, minute, stream_key, type, service_name, resource_hash, attributes,
    max(unit) FILTER (WHERE i = n), bool_or(is_monotonic) FILTER (WHERE i = n),
    max(temporality) FILTER (WHERE i = n), count(*),
    min(time), max(start_time) FILTER (WHERE i = 1), max(value) FILTER (WHERE i = 1),
    max(time), max(start_time) FILTER (WHERE i = n), max(value) FILTER (WHERE i = n),
    sum(CASE WHEN temporality = 1 THEN coalesce(value, 0) WHEN i = 1 THEN 0
      ELSE metric_increase(value, previous_value, start_time, previous_start) END)
  FROM ordered
  GROUP BY tenant_id, name, minute, stream_key, type, service_name, resource_hash, attributes
  ON CONFLICT (tenant_id, name, seconds, time, stream_key) DO UPDATE SET
    unit = excluded.unit, is_monotonic = excluded.is_monotonic, temporality = excluded.temporality,
    points = excluded.points, first_time = excluded.first_time, first_start = excluded.first_start,
    first_value = excluded.first_value, last_time = excluded.last_time, last_start = excluded.last_start,
    last_value = excluded.last_value, gain = excluded.gain;

  WITH touched AS (
    SELECT DISTINCT t AS tenant_id, n AS name, date_bin('1 hour', m, timestamptz '2000-01-01 00:00:00+00') AS hour
    FROM unnest(p_tenants, p_names, p_minutes) AS u(t, n, m)
  ), ordered AS (
    SELECT h.hour, r.*, lag(r.last_value) OVER w AS previous_value, lag(r.last_start) OVER w AS previous_start,
      row_number() OVER w AS i, count(*) OVER (PARTITION BY r.tenant_id, r.name, h.hour, r.stream_key) AS n
    FROM touched h
    JOIN metric_rollups r ON r.tenant_id = h.tenant_id AND r.name = h.name AND r.seconds = 60
      AND r.time >= h.hour AND r.time < h.hour + interval '1 hour'
    WINDOW w AS (PARTITION BY r.tenant_id, r.name, h.hour, r.stream_key ORDER BY r.time)
  )
  INSERT INTO metric_rollups AS r (tenant_id, name, seconds, time, stream_key, type, service_name,
    resource_hash, attributes, unit, is_monotonic, temporality, points, first_time, first_start,
    first_value, last_time, last_start, last_value, gain)
  SELECT tenant_id, name, 3600, hour, stream_key, type, service_name, resource_hash, attributes,
    max(unit) FILTER (WHERE i = n), bool_or(is_monotonic) FILTER (WHERE i = n),
    max(temporality) FILTER (WHERE i = n), sum(points),
    min(first_time), max(first_start) FILTER (WHERE i = 1), max(first_value) FILTER (WHERE i = 1),
    max(last_time), max(last_start) FILTER (WHERE i = n), max(last_value) FILTER (WHERE i = n),
    sum(gain + CASE WHEN temporality = 1 OR i = 1 THEN 0
      ELSE metric_increase(first_value, previous_value, first_start, previous_start) END)
  FROM ordered
  GROUP BY tenant_id, name, hour, stream_key, type, service_name, resource_hash, attributes
  ON CONFLICT (tenant_id, name, seconds, time, stream_key) DO UPDATE SET
    unit = excluded.unit, is_monotonic = excluded.is_monotonic, temporality = excluded.temporality,
    points = excluded.points, first_time = excluded.first_time, first_start = excluded.first_start,
    first_value = excluded.first_value, last_time = excluded.last_time, last_start = excluded.last_start,
    last_value = excluded.last_value, gain = excluded.gain;
END $$;
--> statement-breakpoint
CREATE FUNCTION metric_rollups_add() RETURNS trigger
  LANGUAGE plpgsql SECURITY INVOKER
  SET search_path = pg_catalog, public, pg_temp
AS $$
BEGIN
  PERFORM metric_rollups_rebuild(array_agg(tenant_id), array_agg(name), array_agg(minute))
  FROM (
    SELECT DISTINCT tenant_id, name, date_bin('1 minute', time, timestamptz '2000-01-01 00:00:00+00') AS minute
    FROM new_points WHERE type IN ('gauge', 'sum')
  ) AS touched
  HAVING count(*) > 0;
  RETURN NULL;
END $$;
--> statement-breakpoint
REVOKE ALL ON FUNCTION metric_increase(float8, float8, timestamptz, timestamptz),
  metric_rollups_rebuild(uuid[], text[], timestamptz[]), metric_rollups_add() FROM PUBLIC;
--> statement-breakpoint
GRANT EXECUTE ON FUNCTION metric_increase(float8, float8, timestamptz, timestamptz),
  metric_rollups_rebuild(uuid[], text[], timestamptz[]), metric_rollups_add() TO sightline_app;
--> statement-breakpoint
CREATE TRIGGER metric_points_rollup AFTER INSERT ON metric_points
  REFERENCING NEW TABLE AS new_points
  FOR EACH STATEMENT EXECUTE FUNCTION metric_rollups_add();
--> statement-breakpoint
-- Partitions for the rollups of the points already stored, and the rollups themselves.
DO $$
BEGIN
  PERFORM set_config('app.retention', 'on', true);
  PERFORM partitions_ensure(greatest(least((SELECT min(time) FROM metric_points), now() - interval '31 days'),
    now() - interval '365 days'), now() + interval '8 days');
  PERFORM metric_rollups_rebuild(array_agg(tenant_id), array_agg(name), array_agg(minute))
  FROM (
    SELECT DISTINCT tenant_id, name, date_bin('1 minute', time, timestamptz '2000-01-01 00:00:00+00') AS minute
    FROM metric_points WHERE type IN ('gauge', 'sum')
  ) AS touched
  HAVING count(*) > 0;
  PERFORM set_config('app.retention', '', true);
END $$;
