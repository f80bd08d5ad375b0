-- Attribution per day too (docs/query.md "RUM"): over 7 days one route's attribution read ~1,850
-- hour rows (168 hours x 11 targets at the scale bench's 10 M spans) and merged their sketches:
-- 52 ms, 2x its 100 k figure, where the hours are still mostly empty. A range longer than three
-- days reads day rows instead, as the page-view and geography views do (rum_rollups_daily): ~8
-- per target. Partitioned by day and registered like the hour rows (a 7-day view plans 8 small
-- partitions), so retention drops and trims them with the events.
CREATE TABLE "rum_targets_daily" (
	"tenant_id" uuid NOT NULL,
	"time" timestamp(6) with time zone NOT NULL,
	"metric" text NOT NULL,
	"route" text NOT NULL,
	"target" text NOT NULL,
	"count" bigint NOT NULL,
	"sketch" jsonb NOT NULL
) PARTITION BY RANGE (time);
--> statement-breakpoint
CREATE UNIQUE INDEX "rum_targets_daily_identity" ON "rum_targets_daily" USING btree ("tenant_id","time","metric","route","target");
--> statement-breakpoint
GRANT SELECT, INSERT, UPDATE ON rum_targets_daily TO sightline_app;
--> statement-breakpoint
ALTER TABLE rum_targets_daily ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE rum_targets_daily FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
CREATE POLICY tenant_isolation ON rum_targets_daily
  USING (tenant_id = app_tenant_id()) WITH CHECK (tenant_id = app_tenant_id());
--> statement-breakpoint
CREATE POLICY retention ON rum_targets_daily TO CURRENT_USER
  USING (app_retention_running()) WITH CHECK (app_retention_running());
--> statement-breakpoint
INSERT INTO partitioned_tables (parent, time_column) VALUES ('rum_targets_daily', 'time');
--> statement-breakpoint
-- 0079's trigger for both grains, each upsert in its key's order.
CREATE OR REPLACE FUNCTION rum_targets_add() RETURNS trigger
  LANGUAGE plpgsql SECURITY INVOKER
  SET search_path = pg_catalog, public, pg_temp
AS $$
DECLARE
  v_grain record;
BEGIN
  FOR v_grain IN SELECT * FROM (VALUES ('rum_targets', '1 hour'), ('rum_targets_daily', '1 day')) AS g(name, width)
  LOOP
    EXECUTE format($sql$
      INSERT INTO %1$I AS r (tenant_id, time, metric, route, target, count, sketch)
      SELECT tenant_id, bin, metric, route, target, sum(n), jsonb_object_agg(bucket, n)
      FROM (
        SELECT tenant_id, date_bin(%2$L::interval, time, timestamptz '2000-01-01 00:00:00+00') AS bin, metric, route,
          target, rum_sketch_bucket(value) AS bucket, count(*) AS n
        FROM new_events
        WHERE metric IN ('LCP', 'INP') AND target IS NOT NULL AND value IS NOT NULL
        GROUP BY 1, 2, 3, 4, 5, 6
      ) AS buckets
      GROUP BY tenant_id, bin, metric, route, target
      ORDER BY tenant_id, bin, metric, route, target
      ON CONFLICT (tenant_id, time, metric, route, target) DO UPDATE SET
        count = r.count + excluded.count,
        sketch = span_sketch_merge(r.sketch, excluded.sketch)
    $sql$, v_grain.name, v_grain.width);
  END LOOP;
  RETURN NULL;
END $$;
--> statement-breakpoint
-- The days of the hours already counted, under the same lock as 0079's backfill: no insert runs
-- the one-grain trigger after the hours are read, and none runs this one before.
DO $$
BEGIN
  LOCK TABLE rum_events IN SHARE MODE;
  PERFORM set_config('app.retention', 'on', true);
  PERFORM partitions_ensure(greatest(least((SELECT min(time) FROM rum_targets), now() - interval '31 days'),
    now() - interval '365 days'), now() + interval '8 days');
  INSERT INTO rum_targets_daily (tenant_id, time, metric, route, target, count, sketch)
  SELECT tenant_id, day, metric, route, target, sum(n), jsonb_object_agg(bucket, n)
  FROM (
    SELECT r.tenant_id, date_bin('1 day', r.time, timestamptz '2000-01-01 00:00:00+00') AS day, r.metric, r.route,
      r.target, e.key AS bucket, sum(e.value::bigint) AS n
    FROM rum_targets r CROSS JOIN jsonb_each_text(r.sketch) AS e
    GROUP BY 1, 2, 3, 4, 5, 6
  ) AS buckets
  GROUP BY tenant_id, day, metric, route, target;
  PERFORM set_config('app.retention', '', true);
END $$;
