-- The RUM tables partitioned by day (issue 11 item 2; docs/ingest.md "RUM storage", "Partitions"):
-- rum_events and the hourly rum_rollups become PARTITION BY RANGE (time), one partition per UTC day,
-- registered in partitioned_tables (0040), so the daily Cron creates their partitions ahead with RLS
-- and both policies copied, and retention drops whole days of them instead of deleting rows.
--
-- rum_rollups_daily stays one table: it holds about one row per key and day (small, so deleting a
-- day's rows in the purge is cheap), and a 30-day view reads 31 days of it: as 31 partitions, a
-- request on a fresh connection (every Worker request) would open and plan each one.
--
-- Existing rows are copied in this migration's transaction (as 0040), with the rollup trigger
-- created on the new parent only afterwards (copied events are not counted twice). ANALYZE at the
-- end: the new partitions have no statistics yet.
DROP TRIGGER rum_events_rollup ON rum_events;
--> statement-breakpoint
ALTER TABLE rum_events RENAME TO rum_events_unpartitioned;
--> statement-breakpoint
ALTER TABLE rum_rollups RENAME TO rum_rollups_unpartitioned;
--> statement-breakpoint
CREATE TABLE rum_events (LIKE rum_events_unpartitioned INCLUDING DEFAULTS) PARTITION BY RANGE (time);
--> statement-breakpoint
CREATE TABLE rum_rollups (LIKE rum_rollups_unpartitioned INCLUDING DEFAULTS) PARTITION BY RANGE (time);
--> statement-breakpoint
SELECT partition_copy_policies('rum_events_unpartitioned', 'rum_events'),
  partition_copy_policies('rum_rollups_unpartitioned', 'rum_rollups');
--> statement-breakpoint
GRANT SELECT, INSERT, DELETE ON rum_events TO sightline_app;
--> statement-breakpoint
GRANT SELECT, INSERT, UPDATE, DELETE ON rum_rollups TO sightline_app;
--> statement-breakpoint
INSERT INTO partitioned_tables (parent, time_column) VALUES ('rum_events', 'time'), ('rum_rollups', 'time');
--> statement-breakpoint
DO $$
BEGIN
  PERFORM set_config('app.retention', 'on', true);
  PERFORM partitions_ensure(greatest(least((SELECT min(time) FROM rum_events_unpartitioned),
      (SELECT min(time) FROM rum_rollups_unpartitioned), now() - interval '31 days'),
    now() - interval '365 days'), now() + interval '8 days');
  INSERT INTO rum_events SELECT * FROM rum_events_unpartitioned;
  INSERT INTO rum_rollups SELECT * FROM rum_rollups_unpartitioned;
  PERFORM set_config('app.retention', '', true);
END $$;
--> statement-breakpoint
DROP TABLE rum_events_unpartitioned, rum_rollups_unpartitioned;
--> statement-breakpoint
CREATE UNIQUE INDEX "rum_events_identity" ON "rum_events" USING btree ("tenant_id","time","event_id");
--> statement-breakpoint
CREATE UNIQUE INDEX "rum_rollups_identity" ON "rum_rollups" USING btree ("tenant_id","time","metric","route","device","network","country","colo");
--> statement-breakpoint
-- The trigger function (0038) is unchanged: a statement trigger with a transition table on a
-- partitioned parent sees the rows routed to every partition, and its upsert into the partitioned
-- rum_rollups finds its conflicts (the unique key contains the partition key).
CREATE TRIGGER rum_events_rollup AFTER INSERT ON rum_events
  REFERENCING NEW TABLE AS new_events
  FOR EACH STATEMENT EXECUTE FUNCTION rum_rollups_add();
--> statement-breakpoint
-- rum_events and rum_rollups are registered partitioned tables now, purged partition by partition
-- with the others; the table-by-table pass of 0044 is left for rum_rollups_daily alone.
CREATE OR REPLACE FUNCTION retention_purge_telemetry(p_now timestamptz, p_limit integer) RETURNS integer
  LANGUAGE plpgsql SECURITY DEFINER
  SET search_path = pg_catalog, public, pg_temp
AS $$
DECLARE
  v_now timestamptz := least(p_now, now());
  v_budget integer := least(greatest(p_limit, 1), 10000);
  v_partition record;
  v_after uuid;
  v_tenant uuid;
  v_cutoff timestamptz;
  v_deleted integer;
  v_total integer := 0;
BEGIN
  PERFORM set_config('app.retention', 'on', true);
  <<partitions>>
  FOR v_partition IN
    SELECT i.inhrelid::regclass AS name, t.time_column, (partition_bounds(i.inhrelid)).lower_bound
    FROM partitioned_tables t
    JOIN pg_inherits i ON i.inhparent = t.parent::regclass
    ORDER BY (partition_bounds(i.inhrelid)).lower_bound NULLS FIRST, i.inhrelid::regclass::text
  LOOP
    CONTINUE WHEN v_partition.lower_bound >= v_now;
    v_after := '00000000-0000-0000-0000-000000000000';
    LOOP
      EXIT partitions WHEN v_total >= v_budget;
      EXECUTE format('SELECT tenant_id FROM %s WHERE tenant_id > $1 ORDER BY tenant_id LIMIT 1', v_partition.name)
        INTO v_tenant USING v_after;
      EXIT WHEN v_tenant IS NULL;
      v_after := v_tenant;
      SELECT v_now - make_interval(days =>
          CASE WHEN t.id IS NULL THEN 0 WHEN t.plan = 'free' THEN 7 ELSE coalesce(r.days, 30) END)
        INTO v_cutoff
        FROM (SELECT v_tenant AS id) x
        LEFT JOIN tenants t ON t.id = x.id
        LEFT JOIN telemetry_retention r ON r.tenant_id = x.id;
      CONTINUE WHEN v_partition.lower_bound >= v_cutoff;
      EXECUTE format(
        'DELETE FROM %1$s WHERE ctid = ANY(ARRAY(
           SELECT ctid FROM %1$s WHERE tenant_id = $1 AND %2$I < $2 LIMIT $3 FOR UPDATE SKIP LOCKED))',
        v_partition.name, v_partition.time_column)
        USING v_tenant, v_cutoff, v_budget - v_total;
      GET DIAGNOSTICS v_deleted = ROW_COUNT;
      v_total := v_total + v_deleted;
    END LOOP;
  END LOOP;
  v_after := '00000000-0000-0000-0000-000000000000';
  LOOP
    EXIT WHEN v_total >= v_budget;
    SELECT tenant_id INTO v_tenant FROM rum_rollups_daily WHERE tenant_id > v_after ORDER BY tenant_id LIMIT 1;
    EXIT WHEN v_tenant IS NULL;
    v_after := v_tenant;
    SELECT v_now - make_interval(days =>
        CASE WHEN t.id IS NULL THEN 0 WHEN t.plan = 'free' THEN 7 ELSE coalesce(r.days, 30) END)
      INTO v_cutoff
      FROM (SELECT v_tenant AS id) x
      LEFT JOIN tenants t ON t.id = x.id
      LEFT JOIN telemetry_retention r ON r.tenant_id = x.id;
    DELETE FROM rum_rollups_daily WHERE ctid = ANY(ARRAY(
      SELECT ctid FROM rum_rollups_daily WHERE tenant_id = v_tenant AND time < v_cutoff
      LIMIT v_budget - v_total FOR UPDATE SKIP LOCKED));
    GET DIAGNOSTICS v_deleted = ROW_COUNT;
    v_total := v_total + v_deleted;
  END LOOP;
  PERFORM set_config('app.retention', '', true);
  RETURN v_total;
END $$;
--> statement-breakpoint
ANALYZE rum_events, rum_rollups;
