-- The services overview per hour too (docs/query.md "Services overview"): the overview read every
-- minute row of its range (operations x minutes: at the scale bench's 10 M spans ~27,000 rows and
-- their sketches for 7 days, growing with traffic until every minute has one). An overview whose
-- sparkline steps are whole hours from a whole hour (the dashboard asks so from 24 h up) reads the
-- hours instead, and minutes only for its last, partial hour. Same shape, rules and maintenance as
-- the minute rows: partitioned by day and registered, RLS, written by the same statement trigger
-- from the spans actually inserted.
CREATE TABLE "span_rollups_hourly" (
	"tenant_id" uuid NOT NULL,
	"time" timestamp(6) with time zone NOT NULL,
	"service_name" text NOT NULL,
	"span_name" text NOT NULL,
	"span_count" bigint NOT NULL,
	"error_count" bigint NOT NULL,
	"duration_sketch" jsonb NOT NULL
) PARTITION BY RANGE (time);
--> statement-breakpoint
CREATE UNIQUE INDEX "span_rollups_hourly_identity" ON "span_rollups_hourly" USING btree ("tenant_id","time","service_name","span_name");
--> statement-breakpoint
GRANT SELECT, INSERT, UPDATE ON span_rollups_hourly TO sightline_app;
--> statement-breakpoint
ALTER TABLE span_rollups_hourly ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE span_rollups_hourly FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
CREATE POLICY tenant_isolation ON span_rollups_hourly
  USING (tenant_id = app_tenant_id()) WITH CHECK (tenant_id = app_tenant_id());
--> statement-breakpoint
CREATE POLICY retention ON span_rollups_hourly TO CURRENT_USER
  USING (app_retention_running()) WITH CHECK (app_retention_running());
--> statement-breakpoint
INSERT INTO partitioned_tables (parent, time_column) VALUES ('span_rollups_hourly', 'time');
--> statement-breakpoint
-- 0022's trigger for both grains. The upserts now go in the key's order: the consumer keeps two
-- statements in flight, and two statements upserting the same rows in the order their GROUP BY
-- produced could each wait on the other (a deadlock, 40P01: retried, with backoff); in one global
-- order they queue instead (the rule 0038 set for the RUM rollups).
CREATE OR REPLACE FUNCTION span_rollups_add() RETURNS trigger
  LANGUAGE plpgsql SECURITY INVOKER
  SET search_path = pg_catalog, public, pg_temp
AS $$
DECLARE
  v_grain record;
BEGIN
  FOR v_grain IN SELECT * FROM (VALUES ('span_rollups', 'minute', '1 minute'), ('span_rollups_hourly', 'time', '1 hour'))
    AS g(name, time_column, width)
  LOOP
    EXECUTE format($sql$
      INSERT INTO %1$I AS r (tenant_id, %2$I, service_name, span_name, span_count, error_count, duration_sketch)
      SELECT tenant_id, bin, service_name, name, sum(n), sum(errors), jsonb_object_agg(bucket, n)
      FROM (
        SELECT tenant_id, date_bin(%3$L::interval, start_time, timestamptz '2000-01-01 00:00:00+00') AS bin,
          service_name, name, ceil(ln(greatest(duration_ns, 1000)::float8 / 1e6) / ln(1.1))::int AS bucket,
          count(*) AS n, count(*) FILTER (WHERE status_code = 2) AS errors
        FROM new_spans
        WHERE source = 'backend' AND (parent_span_id IS NULL OR kind IN (2, 5))
        GROUP BY 1, 2, 3, 4, 5
      ) AS buckets
      GROUP BY tenant_id, bin, service_name, name
      ORDER BY tenant_id, bin, service_name, name
      ON CONFLICT (tenant_id, %2$I, service_name, span_name) DO UPDATE SET
        span_count = r.span_count + excluded.span_count,
        error_count = r.error_count + excluded.error_count,
        duration_sketch = span_sketch_merge(r.duration_sketch, excluded.duration_sketch)
    $sql$, v_grain.name, v_grain.time_column, v_grain.width);
  END LOOP;
  RETURN NULL;
END $$;
--> statement-breakpoint
-- The hours of the minutes already counted. The migrations run in one transaction: holding spans
-- in SHARE mode until it commits, no insert runs the old trigger after the minutes are read (one
-- that did would be in the minutes and missing from the hours), and none runs the new one before.
DO $$
BEGIN
  LOCK TABLE spans IN SHARE MODE;
  PERFORM set_config('app.retention', 'on', true);
  PERFORM partitions_ensure(greatest(least((SELECT min(minute) FROM span_rollups), now() - interval '31 days'),
    now() - interval '365 days'), now() + interval '8 days');
  INSERT INTO span_rollups_hourly (tenant_id, time, service_name, span_name, span_count, error_count, duration_sketch)
  SELECT h.tenant_id, h.time, h.service_name, h.span_name, h.span_count, h.error_count, s.sketch
  FROM (
    SELECT tenant_id, date_bin('1 hour', minute, timestamptz '2000-01-01 00:00:00+00') AS time, service_name,
      span_name, sum(span_count) AS span_count, sum(error_count) AS error_count
    FROM span_rollups GROUP BY 1, 2, 3, 4
  ) AS h
  JOIN (
    SELECT tenant_id, time, service_name, span_name, jsonb_object_agg(bucket, n) AS sketch
    FROM (
      SELECT r.tenant_id, date_bin('1 hour', r.minute, timestamptz '2000-01-01 00:00:00+00') AS time,
        r.service_name, r.span_name, e.key AS bucket, sum(e.value::bigint) AS n
      FROM span_rollups r CROSS JOIN jsonb_each_text(r.duration_sketch) AS e
      GROUP BY 1, 2, 3, 4, 5
    ) AS buckets
    GROUP BY 1, 2, 3, 4
  ) AS s USING (tenant_id, time, service_name, span_name);
  PERFORM set_config('app.retention', '', true);
END $$;
