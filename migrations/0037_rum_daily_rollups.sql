CREATE TABLE "rum_rollups_daily" (
	"tenant_id" uuid NOT NULL,
	"time" timestamp(6) with time zone NOT NULL,
	"route" text NOT NULL,
	"metric" text NOT NULL,
	"device" text NOT NULL,
	"network" text NOT NULL,
	"country" text NOT NULL,
	"colo" text NOT NULL,
	"count" bigint NOT NULL,
	"good" bigint NOT NULL,
	"poor" bigint NOT NULL,
	"sketch" jsonb
);
--> statement-breakpoint
CREATE UNIQUE INDEX "rum_rollups_daily_identity" ON "rum_rollups_daily" USING btree ("tenant_id","time","metric","route","device","network","country","colo");--> statement-breakpoint
-- Daily rollups next to the hourly ones (docs/query.md "Real-user monitoring"): a range longer
-- than a few days reads one row per key and day instead of 24, so a 30-day view stays O(days ×
-- keys) however sparse the traffic is per hour. Same columns, key, grants and policies as
-- rum_rollups (0035); the trigger now adds each statement's new events to both.
GRANT SELECT, INSERT, UPDATE, DELETE ON rum_rollups_daily TO sightline_app;
--> statement-breakpoint
ALTER TABLE rum_rollups_daily ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE rum_rollups_daily FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
CREATE POLICY tenant_isolation ON rum_rollups_daily
  USING (tenant_id = app_tenant_id()) WITH CHECK (tenant_id = app_tenant_id());
--> statement-breakpoint
CREATE POLICY retention ON rum_rollups_daily TO CURRENT_USER
  USING (app_retention_running()) WITH CHECK (app_retention_running());
--> statement-breakpoint
-- One statement per grain, the table and bin width the only difference (format %I / %L).
CREATE OR REPLACE FUNCTION rum_rollups_add() RETURNS trigger
  LANGUAGE plpgsql SECURITY INVOKER
  SET search_path = pg_catalog, public, pg_temp
  AS $$
DECLARE
  v_grain record;
BEGIN
  FOR v_grain IN SELECT * FROM (VALUES ('rum_rollups', '1 hour'), ('rum_rollups_daily', '1 day')) AS g(name, width)
  LOOP
    EXECUTE format($sql$
      INSERT INTO %1$I AS r (tenant_id, time, route, metric, device, network, country, colo, count, good, poor, sketch)
      SELECT tenant_id, bin, route, metric, device, network, country, colo, sum(n), sum(good), sum(poor),
        CASE WHEN metric = 'page_view' THEN NULL ELSE jsonb_object_agg(bucket, n) END
      FROM (
        SELECT tenant_id, date_bin(%2$L::interval, time, timestamptz '2000-01-01 00:00:00+00') AS bin, route, metric,
          device, network, country, CASE WHEN metric = 'page_view' THEN colo ELSE '' END AS colo,
          coalesce(rum_sketch_bucket(value), '') AS bucket, count(*) AS n,
          count(*) FILTER (WHERE rum_rating(metric, value) = 0) AS good,
          count(*) FILTER (WHERE rum_rating(metric, value) = 2) AS poor
        FROM new_events
        GROUP BY 1, 2, 3, 4, 5, 6, 7, 8, 9
      ) AS buckets
      GROUP BY tenant_id, bin, route, metric, device, network, country, colo
      ON CONFLICT (tenant_id, time, metric, route, device, network, country, colo) DO UPDATE SET
        count = r.count + excluded.count,
        good = r.good + excluded.good,
        poor = r.poor + excluded.poor,
        sketch = CASE WHEN r.sketch IS NULL THEN NULL ELSE span_sketch_merge(r.sketch, excluded.sketch) END
    $sql$, v_grain.name, v_grain.width);
  END LOOP;
  RETURN NULL;
END
$$;
--> statement-breakpoint
CREATE OR REPLACE FUNCTION retention_purge_telemetry(p_now timestamptz, p_limit integer) RETURNS integer
  LANGUAGE plpgsql SECURITY DEFINER
  SET search_path = pg_catalog, public, pg_temp
AS $$
DECLARE
  v_now timestamptz := least(p_now, now());
  v_budget integer := least(greatest(p_limit, 1), 10000);
  v_table record;
  v_after uuid;
  v_tenant uuid;
  v_days integer;
  v_deleted integer;
  v_total integer := 0;
BEGIN
  PERFORM set_config('app.retention', 'on', true);
  FOR v_table IN
    SELECT * FROM (VALUES ('spans', 'start_time'), ('log_records', 'time'), ('metric_points', 'time'),
      ('rum_events', 'time'), ('rum_rollups', 'time'), ('rum_rollups_daily', 'time')) AS t(name, time_column)
  LOOP
    v_after := '00000000-0000-0000-0000-000000000000';
    LOOP
      EXIT WHEN v_total >= v_budget;
      EXECUTE format('SELECT tenant_id FROM %I WHERE tenant_id > $1 ORDER BY tenant_id LIMIT 1', v_table.name)
        INTO v_tenant USING v_after;
      EXIT WHEN v_tenant IS NULL;
      v_after := v_tenant;
      SELECT CASE WHEN t.id IS NULL THEN 0 WHEN t.plan = 'free' THEN 7 ELSE coalesce(r.days, 30) END
        INTO v_days
        FROM (SELECT v_tenant AS id) x
        LEFT JOIN tenants t ON t.id = x.id
        LEFT JOIN telemetry_retention r ON r.tenant_id = x.id;
      EXECUTE format(
        'DELETE FROM %1$I WHERE ctid = ANY(ARRAY(
           SELECT ctid FROM %1$I WHERE tenant_id = $1 AND %2$I < $2 LIMIT $3 FOR UPDATE SKIP LOCKED))',
        v_table.name, v_table.time_column)
        USING v_tenant, v_now - make_interval(days => v_days), v_budget - v_total;
      GET DIAGNOSTICS v_deleted = ROW_COUNT;
      v_total := v_total + v_deleted;
    END LOOP;
  END LOOP;
  PERFORM set_config('app.retention', '', true);
  RETURN v_total;
END $$;
