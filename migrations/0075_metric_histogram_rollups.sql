-- Histograms' and summaries' rollup (issue 11; docs/query.md "Metric semantics"): 0071 gave gauges
-- and sums minute and hour buckets, but a histogram's or a summary's series still read every raw
-- point of its range, up to 50,000, then truncated: a week of one histogram exported every 10 s by
-- 20 instances is 1.2 M points. metric_histogram_rollups keeps, per stream (type, service, resource,
-- attributes) and bucket of a minute and of an hour, the bucket's first point (role 1) and its last
-- (role 2), whole, with the bucket's point count and `telescopes`:
--   * a cumulative histogram's increments over a run of points sum to the last point minus the
--     first, exactly, when nothing in the run is a reset for the series math
--     (worker/src/query/metric-steps.ts): every point cumulative, one start time (or none at all),
--     counts that never go down, one set of explicit bounds, one exponential scale. The series
--     math given a telescoping bucket's two points then gives what all its points give.
--   * a summary shows its last point per step: role 2 alone is what a step needs.
-- A bucket that does not telescope (delta points, a reset, changed bounds or scale) is read from its
-- points (the query joins back to metric_points for those buckets only).
--
-- Maintained like metric_rollups: the statement trigger on metric_points recomputes the minutes it
-- touched from their points, then those minutes' hours from their minute rows, under the same
-- advisory lock per (tenant, metric). Partitioned by day, secured and registered like every
-- telemetry table (telemetry_table_secure, below).
CREATE TABLE "metric_histogram_rollups" (
	"tenant_id" uuid NOT NULL,
	"name" text NOT NULL,
	"seconds" integer NOT NULL,
	"time" timestamp(6) with time zone NOT NULL,
	"stream_key" text NOT NULL,
	"role" smallint NOT NULL,
	"points" integer NOT NULL,
	"telescopes" boolean NOT NULL,
	"type" text NOT NULL,
	"service_name" text NOT NULL,
	"resource_hash" text NOT NULL,
	"attributes" jsonb NOT NULL,
	"unit" text,
	"temporality" smallint,
	"point_time" timestamp(6) with time zone NOT NULL,
	"start_time" timestamp(6) with time zone,
	"count" bigint,
	"sum" double precision,
	"min" double precision,
	"max" double precision,
	"bucket_counts" jsonb,
	"explicit_bounds" jsonb,
	"exponential_buckets" jsonb,
	"quantiles" jsonb
) PARTITION BY RANGE (time);
--> statement-breakpoint
CREATE UNIQUE INDEX "metric_histogram_rollups_identity" ON "metric_histogram_rollups" USING btree ("tenant_id","name","seconds","time","stream_key","role");
--> statement-breakpoint
-- What every partitioned telemetry table gets, until now restated by each migration (0040, 0071,
-- 0073, 0074): the runtime role reads and writes it (no DELETE: retention deletes), RLS forced with
-- the tenant_isolation and retention policies, and registered in partitioned_tables so the Cron
-- creates its partitions ahead and retention drops or trims them. For the migrations to come too;
-- run by the migration role only.
CREATE FUNCTION telemetry_table_secure(p_table text, p_time_column text) RETURNS void
  LANGUAGE plpgsql SECURITY INVOKER
  SET search_path = pg_catalog, public, pg_temp
AS $$
BEGIN
  EXECUTE format('GRANT SELECT, INSERT, UPDATE ON %I TO sightline_app', p_table);
  EXECUTE format('ALTER TABLE %I ENABLE ROW LEVEL SECURITY', p_table);
  EXECUTE format('ALTER TABLE %I FORCE ROW LEVEL SECURITY', p_table);
  EXECUTE format('CREATE POLICY tenant_isolation ON %I USING (tenant_id = app_tenant_id())
    WITH CHECK (tenant_id = app_tenant_id())', p_table);
  EXECUTE format('CREATE POLICY retention ON %I TO CURRENT_USER USING (app_retention_running())
    WITH CHECK (app_retention_running())', p_table);
  INSERT INTO partitioned_tables (parent, time_column) VALUES (p_table, p_time_column);
END $$;
--> statement-breakpoint
REVOKE ALL ON FUNCTION telemetry_table_secure(text, text) FROM PUBLIC;
--> statement-breakpoint
SELECT telemetry_table_secure('metric_histogram_rollups', 'time');
--> statement-breakpoint
-- Recomputes the minute buckets (tenant i, metric i, minute i) of histograms and summaries from
-- their points, then the hours holding them from their minute rows. Both grains run the same
-- statement over their members (a minute's points; an hour's minute rows, whose first and last
-- points are in time order and whose own `telescopes` must hold too). SECURITY INVOKER: the
-- inserting role, under its RLS scope.
CREATE FUNCTION metric_histogram_rollups_rebuild(p_tenants uuid[], p_names text[], p_minutes timestamptz[]) RETURNS void
  LANGUAGE plpgsql SECURITY INVOKER
  SET search_path = pg_catalog, public, pg_temp
AS $$
DECLARE
  v_grain record;
BEGIN
  PERFORM pg_advisory_xact_lock(k)
  FROM (SELECT DISTINCT hashtextextended(t::text || '/' || n, 71) AS k FROM unnest(p_tenants, p_names) AS u(t, n)) AS keys
  ORDER BY k;

  FOR v_grain IN SELECT * FROM (VALUES
    (60, $members$
      SELECT t.bucket, p.tenant_id, p.name, p.type, p.service_name, md5(p.resource::text) AS resource_hash,
        p.attributes, p.unit, p.temporality, p.time AS point_time, p.start_time, p.count, p.sum, p.min, p.max,
        p.bucket_counts, p.explicit_bounds, p.exponential_buckets, p.quantiles, p.point_key AS tiebreak,
        1 AS points, true AS telescopes
      FROM (SELECT DISTINCT t AS tenant_id, n AS name, m AS bucket FROM unnest($1, $2, $3) AS u(t, n, m)) AS t
      JOIN metric_points p ON p.tenant_id = t.tenant_id AND p.name = t.name
        AND p.time >= t.bucket AND p.time < t.bucket + interval '1 minute'
      WHERE p.type IN ('histogram', 'exponential_histogram', 'summary')
    $members$),
    (3600, $members$
      SELECT h.bucket, r.tenant_id, r.name, r.type, r.service_name, r.resource_hash, r.attributes, r.unit,
        r.temporality, r.point_time, r.start_time, r.count, r.sum, r.min, r.max, r.bucket_counts,
        r.explicit_bounds, r.exponential_buckets, r.quantiles, r.role::text AS tiebreak,
        CASE WHEN r.role = 2 THEN r.points ELSE 0 END AS points, r.telescopes
      FROM (
        SELECT DISTINCT t AS tenant_id, n AS name, date_bin('1 hour', m, timestamptz '2000-01-01 00:00:00+00') AS bucket
        FROM unnest($1, $2, $3) AS u(t, n, m)
      ) AS h
      JOIN metric_histogram_rollups r ON r.tenant_id = h.tenant_id AND r.name = h.name AND r.seconds = 60
        AND r.time >= h.bucket AND r.time < h.bucket + interval '1 hour'
    $members$)) AS g(seconds, members)
  LOOP
    EXECUTE format($sql$
      WITH members AS (%1$s), keyed AS (
        SELECT *, md5(concat_ws(' ', type, service_name, resource_hash, attributes::text)) AS stream_key
        FROM members
      ), ordered AS (
        SELECT *, row_number() OVER w AS i, count(*) OVER s AS n, lag(count) OVER w AS previous_count
        FROM keyed
        WINDOW s AS (PARTITION BY tenant_id, name, bucket, stream_key), w AS (s ORDER BY point_time, tiebreak)
      ), buckets AS (
        SELECT tenant_id, name, bucket, stream_key, sum(points)::int AS points,
          bool_and(telescopes) AND bool_and(temporality IS NOT DISTINCT FROM 2)
            AND bool_and(count IS NOT NULL AND count >= coalesce(previous_count, count))
            AND count(DISTINCT start_time) <= 1 AND count(start_time) IN (0, count(*))
            AND count(DISTINCT explicit_bounds) <= 1 AND count(explicit_bounds) IN (0, count(*))
            AND count(DISTINCT jsonb_array_length(bucket_counts)) <= 1 AND count(bucket_counts) IN (0, count(*))
            AND count(DISTINCT exponential_buckets -> 'scale') <= 1 AND count(exponential_buckets) IN (0, count(*))
            AS telescopes
        FROM ordered
        GROUP BY tenant_id, name, bucket, stream_key
      )
      INSERT INTO metric_histogram_rollups AS r (tenant_id, name, seconds, time, stream_key, role, points,
        telescopes, type, service_name, resource_hash, attributes, unit, temporality, point_time, start_time,
        count, sum, min, max, bucket_counts, explicit_bounds, exponential_buckets, quantiles)
      SELECT o.tenant_id, o.name, %2$s, o.bucket, o.stream_key, e.role, b.points, b.telescopes, o.type,
        o.service_name, o.resource_hash, o.attributes, o.unit, o.temporality, o.point_time, o.start_time,
        o.count, o.sum, o.min, o.max, o.bucket_counts, o.explicit_bounds, o.exponential_buckets, o.quantiles
      FROM ordered o
      JOIN buckets b USING (tenant_id, name, bucket, stream_key)
      CROSS JOIN LATERAL (VALUES (1::smallint), (2::smallint)) AS e(role)
      WHERE (e.role = 1 AND o.i = 1) OR (e.role = 2 AND o.i = o.n)
      ORDER BY o.tenant_id, o.name, o.bucket, o.stream_key, e.role
      ON CONFLICT (tenant_id, name, seconds, time, stream_key, role) DO UPDATE SET
        points = excluded.points, telescopes = excluded.telescopes, unit = excluded.unit,
        temporality = excluded.temporality, point_time = excluded.point_time, start_time = excluded.start_time,
        count = excluded.count, sum = excluded.sum, min = excluded.min, max = excluded.max,
        bucket_counts = excluded.bucket_counts, explicit_bounds = excluded.explicit_bounds,
        exponential_buckets = excluded.exponential_buckets, quantiles = excluded.quantiles
    $sql$, v_grain.members, v_grain.seconds) USING p_tenants, p_names, p_minutes;
  END LOOP;
END $$;
--> statement-breakpoint
-- One statement trigger for every metric type: the minutes it touched, rebuilt in the rollup of
-- their type. All the touched metrics' locks are taken first, in one order, so two writers never
-- wait on each other's second set.
CREATE OR REPLACE FUNCTION metric_rollups_add() RETURNS trigger
  LANGUAGE plpgsql SECURITY INVOKER
  SET search_path = pg_catalog, public, pg_temp
AS $$
BEGIN
  PERFORM pg_advisory_xact_lock(k)
  FROM (SELECT DISTINCT hashtextextended(tenant_id::text || '/' || name, 71) AS k FROM new_points) AS keys
  ORDER BY k;
  PERFORM CASE WHEN distribution
      THEN metric_histogram_rollups_rebuild(array_agg(tenant_id), array_agg(name), array_agg(minute))
      ELSE metric_rollups_rebuild(array_agg(tenant_id), array_agg(name), array_agg(minute)) END
  FROM (
    SELECT DISTINCT type NOT IN ('gauge', 'sum') AS distribution, tenant_id, name,
      date_bin('1 minute', time, timestamptz '2000-01-01 00:00:00+00') AS minute
    FROM new_points
  ) AS touched
  GROUP BY distribution;
  RETURN NULL;
END $$;
--> statement-breakpoint
REVOKE ALL ON FUNCTION metric_histogram_rollups_rebuild(uuid[], text[], timestamptz[]) FROM PUBLIC;
--> statement-breakpoint
GRANT EXECUTE ON FUNCTION metric_histogram_rollups_rebuild(uuid[], text[], timestamptz[]) TO sightline_app;
--> statement-breakpoint
-- Partitions for the rollups of the points already stored, and the rollups themselves.
DO $$
BEGIN
  PERFORM set_config('app.retention', 'on', true);
  PERFORM partitions_ensure(greatest(least((SELECT min(time) FROM metric_points), now() - interval '31 days'),
    now() - interval '365 days'), now() + interval '8 days');
  PERFORM metric_histogram_rollups_rebuild(array_agg(tenant_id), array_agg(name), array_agg(minute))
  FROM (
    SELECT DISTINCT tenant_id, name, date_bin('1 minute', time, timestamptz '2000-01-01 00:00:00+00') AS minute
    FROM metric_points WHERE type NOT IN ('gauge', 'sum')
  ) AS touched
  HAVING count(*) > 0;
  PERFORM set_config('app.retention', '', true);
END $$;
