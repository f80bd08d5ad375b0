-- Log severity counts per hour too (docs/query.md "Logs"): a week of minute rows (0073) was ~10,600
-- for the scale bench's 10 M-span tenant, and grows with traffic until every minute has rows. A
-- chart whose steps are whole hours from a whole hour (a chart of days that starts on one) reads
-- ~170 hours a week per service and severity instead, and minutes only for its last, partial hour. Same shape, rules and
-- maintenance as the minute rows: partitioned by day and registered, RLS, written by the same
-- statement trigger from the records actually inserted.
CREATE TABLE "log_severity_rollups_hourly" (
	"tenant_id" uuid NOT NULL,
	"time" timestamp(6) with time zone NOT NULL,
	"service_name" text NOT NULL,
	"severity_number" smallint NOT NULL,
	"count" bigint NOT NULL
) PARTITION BY RANGE (time);
--> statement-breakpoint
CREATE UNIQUE INDEX "log_severity_rollups_hourly_identity" ON "log_severity_rollups_hourly" USING btree ("tenant_id","time","service_name","severity_number");
--> statement-breakpoint
GRANT SELECT, INSERT, UPDATE ON log_severity_rollups_hourly TO sightline_app;
--> statement-breakpoint
ALTER TABLE log_severity_rollups_hourly ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE log_severity_rollups_hourly FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
CREATE POLICY tenant_isolation ON log_severity_rollups_hourly
  USING (tenant_id = app_tenant_id()) WITH CHECK (tenant_id = app_tenant_id());
--> statement-breakpoint
CREATE POLICY retention ON log_severity_rollups_hourly TO CURRENT_USER
  USING (app_retention_running()) WITH CHECK (app_retention_running());
--> statement-breakpoint
INSERT INTO partitioned_tables (parent, time_column) VALUES ('log_severity_rollups_hourly', 'time');
--> statement-breakpoint
CREATE OR REPLACE FUNCTION log_severity_rollups_add() RETURNS trigger
  LANGUAGE plpgsql SECURITY INVOKER
  SET search_path = pg_catalog, public, pg_temp
AS $$
DECLARE
  v_grain record;
BEGIN
  FOR v_grain IN SELECT * FROM (VALUES ('log_severity_rollups', '1 minute'), ('log_severity_rollups_hourly', '1 hour'))
    AS g(name, width)
  LOOP
    EXECUTE format($sql$
      INSERT INTO %1$I AS r (tenant_id, time, service_name, severity_number, count)
      SELECT tenant_id, date_bin(%2$L::interval, time, timestamptz '2000-01-01 00:00:00+00'), service_name,
        severity_number, count(*)
      FROM new_records
      GROUP BY 1, 2, 3, 4
      ORDER BY 1, 2, 3, 4
      ON CONFLICT (tenant_id, time, service_name, severity_number) DO UPDATE SET count = r.count + excluded.count
    $sql$, v_grain.name, v_grain.width);
  END LOOP;
  RETURN NULL;
END $$;
--> statement-breakpoint
-- The hours of the minutes already counted.
DO $$
BEGIN
  PERFORM set_config('app.retention', 'on', true);
  PERFORM partitions_ensure(greatest(least((SELECT min(time) FROM log_severity_rollups), now() - interval '31 days'),
    now() - interval '365 days'), now() + interval '8 days');
  INSERT INTO log_severity_rollups_hourly (tenant_id, time, service_name, severity_number, count)
  SELECT tenant_id, date_bin('1 hour', time, timestamptz '2000-01-01 00:00:00+00'), service_name,
    severity_number, sum(count)
  FROM log_severity_rollups
  GROUP BY 1, 2, 3, 4;
  PERFORM set_config('app.retention', '', true);
END $$;
