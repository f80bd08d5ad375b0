-- The Vitals drill-down's attribution from hour rollups (docs/query.md "RUM"): GET /rum/attribution
-- read every rum_events row of the tenant's range and kept the route's (at the scale bench's 10 M
-- spans, ~1.4 M events for 7 days: 149 ms, 4.6x its 100 k figure). Per tenant, UTC hour, vital,
-- route and target, the samples and their vital sketch: a range reads hours x targets rows,
-- whatever the traffic. Written by a statement trigger of its own on rum_events (beside
-- rum_events_rollup), from the events actually inserted; partitioned by day and registered, so
-- retention drops and trims it with the events.
CREATE TABLE "rum_targets" (
	"tenant_id" uuid NOT NULL,
	"time" timestamp(6) with time zone NOT NULL,
	"metric" text NOT NULL,
	"route" text NOT NULL,
	"target" text NOT NULL,
	"count" bigint NOT NULL,
	"sketch" jsonb NOT NULL
) PARTITION BY RANGE (time);
--> statement-breakpoint
CREATE UNIQUE INDEX "rum_targets_identity" ON "rum_targets" USING btree ("tenant_id","time","metric","route","target");
--> statement-breakpoint
GRANT SELECT, INSERT, UPDATE ON rum_targets TO sightline_app;
--> statement-breakpoint
ALTER TABLE rum_targets ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE rum_targets FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
CREATE POLICY tenant_isolation ON rum_targets
  USING (tenant_id = app_tenant_id()) WITH CHECK (tenant_id = app_tenant_id());
--> statement-breakpoint
CREATE POLICY retention ON rum_targets TO CURRENT_USER
  USING (app_retention_running()) WITH CHECK (app_retention_running());
--> statement-breakpoint
INSERT INTO partitioned_tables (parent, time_column) VALUES ('rum_targets', 'time');
--> statement-breakpoint
-- In the key's order, as every rollup upsert (0038): two statements in flight queue on a shared row.
CREATE FUNCTION rum_targets_add() RETURNS trigger
  LANGUAGE plpgsql SECURITY INVOKER
  SET search_path = pg_catalog, public, pg_temp
AS $$
BEGIN
  INSERT INTO rum_targets AS r (tenant_id, time, metric, route, target, count, sketch)
  SELECT tenant_id, hour, metric, route, target, sum(n), jsonb_object_agg(bucket, n)
  FROM (
    SELECT tenant_id, date_bin('1 hour', time, timestamptz '2000-01-01 00:00:00+00') AS hour, metric, route,
      target, rum_sketch_bucket(value) AS bucket, count(*) AS n
    FROM new_events
    WHERE metric IN ('LCP', 'INP') AND target IS NOT NULL AND value IS NOT NULL
    GROUP BY 1, 2, 3, 4, 5, 6
  ) AS buckets
  GROUP BY tenant_id, hour, metric, route, target
  ORDER BY tenant_id, hour, metric, route, target
  ON CONFLICT (tenant_id, time, metric, route, target) DO UPDATE SET
    count = r.count + excluded.count,
    sketch = span_sketch_merge(r.sketch, excluded.sketch);
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE TRIGGER rum_events_targets AFTER INSERT ON rum_events
  REFERENCING NEW TABLE AS new_events
  FOR EACH STATEMENT EXECUTE FUNCTION rum_targets_add();
--> statement-breakpoint
-- The hours of the events already stored. The migrations run in one transaction: holding
-- rum_events in SHARE mode until it commits, no insert is stored between this read and the
-- trigger's creation (it would be missing here), and none counted twice.
DO $$
BEGIN
  LOCK TABLE rum_events IN SHARE MODE;
  PERFORM set_config('app.retention', 'on', true);
  PERFORM partitions_ensure(greatest(least((SELECT min(time) FROM rum_events), now() - interval '31 days'),
    now() - interval '365 days'), now() + interval '8 days');
  INSERT INTO rum_targets (tenant_id, time, metric, route, target, count, sketch)
  SELECT tenant_id, hour, metric, route, target, sum(n), jsonb_object_agg(bucket, n)
  FROM (
    SELECT tenant_id, date_bin('1 hour', time, timestamptz '2000-01-01 00:00:00+00') AS hour, metric, route,
      target, rum_sketch_bucket(value) AS bucket, count(*) AS n
    FROM rum_events
    WHERE metric IN ('LCP', 'INP') AND target IS NOT NULL AND value IS NOT NULL
    GROUP BY 1, 2, 3, 4, 5, 6
  ) AS buckets
  GROUP BY tenant_id, hour, metric, route, target;
  PERFORM set_config('app.retention', '', true);
END $$;
