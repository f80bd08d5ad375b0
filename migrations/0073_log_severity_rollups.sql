-- Log records counted per tenant, minute, service and severity number (docs/query.md "Logs",
-- docs/ingest.md "Log severity rollups"): the logs page's severity chart counted every record of
-- its range (a week of a busy tenant's logs per page view). GET /logs/severity now reads these
-- counts when it has no text or trace filter; a minute row stands for all its records.
--
-- A statement-level AFTER INSERT trigger with a transition table adds the records actually
-- inserted, as rum_events' and spans' rollups do: a redelivered batch hits log_records' unique key,
-- inserts nothing and so counts nothing. Partitioned by day like log_records (registered: the Cron
-- creates partitions ahead, retention drops or trims them with the records).
CREATE TABLE "log_severity_rollups" (
	"tenant_id" uuid NOT NULL,
	"time" timestamp(6) with time zone NOT NULL,
	"service_name" text NOT NULL,
	"severity_number" smallint NOT NULL,
	"count" bigint NOT NULL
) PARTITION BY RANGE (time);
--> statement-breakpoint
CREATE UNIQUE INDEX "log_severity_rollups_identity" ON "log_severity_rollups" USING btree ("tenant_id","time","service_name","severity_number");
--> statement-breakpoint
GRANT SELECT, INSERT, UPDATE ON log_severity_rollups TO sightline_app;
--> statement-breakpoint
ALTER TABLE log_severity_rollups ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE log_severity_rollups FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
CREATE POLICY tenant_isolation ON log_severity_rollups
  USING (tenant_id = app_tenant_id()) WITH CHECK (tenant_id = app_tenant_id());
--> statement-breakpoint
CREATE POLICY retention ON log_severity_rollups TO CURRENT_USER
  USING (app_retention_running()) WITH CHECK (app_retention_running());
--> statement-breakpoint
INSERT INTO partitioned_tables (parent, time_column) VALUES ('log_severity_rollups', 'time');
--> statement-breakpoint
-- SECURITY INVOKER: the inserting role, under its RLS scope (its own tenant's rows only). Sorted
-- by the unique key, so two batches of one tenant lock its rows in the same order.
CREATE FUNCTION log_severity_rollups_add() RETURNS trigger
  LANGUAGE plpgsql SECURITY INVOKER
  SET search_path = pg_catalog, public, pg_temp
AS $$
BEGIN
  INSERT INTO log_severity_rollups AS r (tenant_id, time, service_name, severity_number, count)
  SELECT tenant_id, date_bin('1 minute', time, timestamptz '2000-01-01 00:00:00+00'), service_name,
    severity_number, count(*)
  FROM new_records
  GROUP BY 1, 2, 3, 4
  ORDER BY 1, 2, 3, 4
  ON CONFLICT (tenant_id, time, service_name, severity_number) DO UPDATE SET count = r.count + excluded.count;
  RETURN NULL;
END $$;
--> statement-breakpoint
REVOKE ALL ON FUNCTION log_severity_rollups_add() FROM PUBLIC;
--> statement-breakpoint
GRANT EXECUTE ON FUNCTION log_severity_rollups_add() TO sightline_app;
--> statement-breakpoint
CREATE TRIGGER log_records_severity_rollup AFTER INSERT ON log_records
  REFERENCING NEW TABLE AS new_records
  FOR EACH STATEMENT EXECUTE FUNCTION log_severity_rollups_add();
--> statement-breakpoint
-- The counts of the records already stored, in partitions for their days.
DO $$
BEGIN
  PERFORM set_config('app.retention', 'on', true);
  PERFORM partitions_ensure(greatest(least((SELECT min(time) FROM log_records), now() - interval '31 days'),
    now() - interval '365 days'), now() + interval '8 days');
  INSERT INTO log_severity_rollups (tenant_id, time, service_name, severity_number, count)
  SELECT tenant_id, date_bin('1 minute', time, timestamptz '2000-01-01 00:00:00+00'), service_name,
    severity_number, count(*)
  FROM log_records
  GROUP BY 1, 2, 3, 4;
  PERFORM set_config('app.retention', '', true);
END $$;
