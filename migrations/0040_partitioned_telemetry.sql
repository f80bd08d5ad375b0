-- Time-partitioned telemetry (issue 11, item 2; docs/ingest.md "Partitions"). spans, log_records,
-- metric_points and span_rollups become PARTITION BY RANGE on their time column, one partition per
-- UTC day, plus a DEFAULT partition for rows outside every day partition (late data older than the
-- first partition: still stored, queried and purged, only not dropped as a whole).
--
-- * partitioned_tables is the registry the maintenance reads: another time-partitioned table is one
--   INSERT there (its parent created PARTITION BY RANGE with its policies, grants and indexes).
-- * Partitions are created and dropped by owner-owned functions only. telemetry_partitions_maintain
--   (SECURITY DEFINER, run by the daily Cron as sightline_app) creates today's and the next 7 days'
--   partitions and drops those wholly older than the longest retention (365 days). It takes no
--   names or SQL from its caller, only a clock clamped to now() like the purge functions (0009):
--   a caller can replay the past, never fast-forward to drop what is not due. sightline_app gets
--   no DDL right of its own and no privilege on any partition: it reaches rows through the parents,
--   whose grants and policies apply (Postgres checks those, not the partition's, for a query on the
--   parent).
-- * Every partition gets RLS enabled and forced and a copy of each of its parent's policies (a
--   direct query on a partition, e.g. by the owner's purge, is bound exactly like one through the
--   parent). Indexes are partitioned indexes on the parents, so every partition has them all.
-- * Unique keys already included the time column (0006), so ON CONFLICT DO NOTHING dedupe is
--   unchanged: a redelivered row has the same time, hence the same partition and the same key.
--
-- Existing rows are copied in this migration's transaction (fine at today's volumes; see the doc).
-- The owner is bound by forced RLS: it sees and writes every tenant's rows only through the
-- retention policies, i.e. with app.retention = 'on' (transaction-local, set in the copy below).
CREATE TABLE partitioned_tables (
  parent text PRIMARY KEY,
  time_column text NOT NULL,
  step interval NOT NULL DEFAULT interval '1 day' CHECK (step >= interval '1 day')
);
--> statement-breakpoint
REVOKE ALL ON partitioned_tables FROM PUBLIC;
--> statement-breakpoint
INSERT INTO partitioned_tables (parent, time_column) VALUES
  ('spans', 'start_time'),
  ('log_records', 'time'),
  ('metric_points', 'time'),
  ('span_rollups', 'minute');
--> statement-breakpoint
-- RLS enabled and forced on p_table, with a copy of every policy of p_source (same name, command,
-- roles and expressions).
CREATE FUNCTION partition_copy_policies(p_source regclass, p_table regclass) RETURNS void
  LANGUAGE plpgsql
  SET search_path = pg_catalog, public, pg_temp
AS $$
DECLARE
  v_policy record;
BEGIN
  EXECUTE format('ALTER TABLE %s ENABLE ROW LEVEL SECURITY', p_table);
  EXECUTE format('ALTER TABLE %s FORCE ROW LEVEL SECURITY', p_table);
  FOR v_policy IN
    SELECT p.polname, p.polpermissive, p.polcmd,
      pg_get_expr(p.polqual, p.polrelid) AS qual, pg_get_expr(p.polwithcheck, p.polrelid) AS with_check,
      CASE WHEN p.polroles = '{0}' THEN 'PUBLIC'
        ELSE (SELECT string_agg(quote_ident(r.rolname), ', ') FROM pg_roles r WHERE r.oid = ANY (p.polroles))
      END AS roles
    FROM pg_policy p WHERE p.polrelid = p_source
  LOOP
    EXECUTE format('CREATE POLICY %I ON %s AS %s FOR %s TO %s %s %s',
      v_policy.polname, p_table,
      CASE WHEN v_policy.polpermissive THEN 'PERMISSIVE' ELSE 'RESTRICTIVE' END,
      CASE v_policy.polcmd WHEN 'r' THEN 'SELECT' WHEN 'a' THEN 'INSERT' WHEN 'w' THEN 'UPDATE'
        WHEN 'd' THEN 'DELETE' ELSE 'ALL' END,
      v_policy.roles,
      CASE WHEN v_policy.qual IS NULL THEN '' ELSE format('USING (%s)', v_policy.qual) END,
      CASE WHEN v_policy.with_check IS NULL THEN '' ELSE format('WITH CHECK (%s)', v_policy.with_check) END);
  END LOOP;
END $$;
--> statement-breakpoint
-- The bounds of a partition (null for the DEFAULT partition), read from the catalog.
CREATE FUNCTION partition_bounds(p_partition regclass, OUT lower_bound timestamptz, OUT upper_bound timestamptz)
  LANGUAGE sql STABLE
  SET search_path = pg_catalog, public, pg_temp
  SET timezone = 'UTC'
AS $$
  SELECT m[1]::timestamptz, m[2]::timestamptz
  FROM pg_class c,
    LATERAL (SELECT regexp_match(pg_get_expr(c.relpartbound, c.oid), 'FROM \(''([^'']+)''\) TO \(''([^'']+)''\)')) r(m)
  WHERE c.oid = p_partition
$$;
--> statement-breakpoint
-- Every registered parent's DEFAULT partition and its partitions covering [p_from, p_to), created
-- where missing; answers how many it created. A day whose rows are already in the DEFAULT
-- partition (23514) or whose parent is busy (55P03, lock_timeout) is skipped: its rows stay where
-- they are, and a busy day is retried by the next run (partitions are made a week ahead).
CREATE FUNCTION partitions_ensure(p_from timestamptz, p_to timestamptz) RETURNS integer
  LANGUAGE plpgsql
  SET search_path = pg_catalog, public, pg_temp
  SET timezone = 'UTC'
  SET lock_timeout = '2s'
AS $$
DECLARE
  v_table record;
  v_lower timestamptz;
  v_name text;
  v_created integer := 0;
BEGIN
  FOR v_table IN SELECT * FROM partitioned_tables ORDER BY parent LOOP
    v_name := v_table.parent || '_default';
    IF to_regclass(format('public.%I', v_name)) IS NULL THEN
      EXECUTE format('CREATE TABLE public.%I PARTITION OF public.%I DEFAULT', v_name, v_table.parent);
      PERFORM partition_copy_policies(v_table.parent::regclass, format('public.%I', v_name)::regclass);
      v_created := v_created + 1;
    END IF;
    -- Day boundaries at UTC midnight (the origin is a Monday, so a 7-day step would be ISO weeks).
    v_lower := date_bin(v_table.step, p_from, timestamptz '2000-01-03 00:00:00+00');
    WHILE v_lower < p_to LOOP
      v_name := format('%s_p%s', v_table.parent, to_char(v_lower, 'YYYYMMDD'));
      IF to_regclass(format('public.%I', v_name)) IS NULL THEN
        BEGIN
          EXECUTE format('CREATE TABLE public.%I PARTITION OF public.%I FOR VALUES FROM (%L) TO (%L)',
            v_name, v_table.parent, v_lower, v_lower + v_table.step);
          PERFORM partition_copy_policies(v_table.parent::regclass, format('public.%I', v_name)::regclass);
          v_created := v_created + 1;
        EXCEPTION WHEN check_violation OR lock_not_available THEN
          NULL;
        END;
      END IF;
      v_lower := v_lower + v_table.step;
    END LOOP;
  END LOOP;
  RETURN v_created;
END $$;
--> statement-breakpoint
-- Drops every partition of a registered parent that lies wholly before p_cutoff; answers how many.
-- A drop takes an ACCESS EXCLUSIVE lock on the parent for an instant; a parent busy for longer
-- than lock_timeout is skipped and retried by the next run.
CREATE FUNCTION partitions_drop_before(p_cutoff timestamptz) RETURNS integer
  LANGUAGE plpgsql
  SET search_path = pg_catalog, public, pg_temp
  SET lock_timeout = '2s'
AS $$
DECLARE
  v_partition regclass;
  v_dropped integer := 0;
BEGIN
  FOR v_partition IN
    SELECT i.inhrelid::regclass
    FROM partitioned_tables t
    JOIN pg_inherits i ON i.inhparent = t.parent::regclass
    WHERE (partition_bounds(i.inhrelid)).upper_bound <= p_cutoff
  LOOP
    BEGIN
      EXECUTE format('DROP TABLE %s', v_partition);
      v_dropped := v_dropped + 1;
    EXCEPTION WHEN lock_not_available THEN
      NULL;
    END;
  END LOOP;
  RETURN v_dropped;
END $$;
--> statement-breakpoint
-- The daily Cron's partition job (worker/src/retention/telemetry-partitions.ts): the partitions of
-- today and the next 7 days (a week of missed runs is harmless; ingest accepts at most a day of
-- clock skew into the future), and the drop of whole days past the longest retention, 365 days
-- (RETENTION.telemetry.paidMaxDays; tests/worker/telemetry-partitions.test.ts checks both agree).
-- Shorter per-tenant windows are retention_purge_telemetry's. Answers partitions created + dropped.
CREATE FUNCTION telemetry_partitions_maintain(p_now timestamptz) RETURNS integer
  LANGUAGE plpgsql SECURITY DEFINER
  SET search_path = pg_catalog, public, pg_temp
AS $$
DECLARE
  v_now timestamptz := least(p_now, now());
BEGIN
  -- One run at a time: two would race to create (or drop) the same partition.
  PERFORM pg_advisory_xact_lock(hashtext('telemetry_partitions_maintain'));
  RETURN partitions_ensure(v_now, v_now + interval '8 days')
    + partitions_drop_before(v_now - interval '365 days');
END $$;
--> statement-breakpoint
REVOKE ALL ON FUNCTION partition_copy_policies(regclass, regclass), partition_bounds(regclass),
  partitions_ensure(timestamptz, timestamptz), partitions_drop_before(timestamptz),
  telemetry_partitions_maintain(timestamptz) FROM PUBLIC;
--> statement-breakpoint
GRANT EXECUTE ON FUNCTION telemetry_partitions_maintain(timestamptz) TO sightline_app;
--> statement-breakpoint
-- The per-tenant windows, now partition by partition (a ctid is only unique within one table, so
-- the bounded ctid delete of 0009 runs on each partition, never on a parent): the DEFAULT partition
-- first, then the oldest days. In each, its tenants are enumerated by a loose index scan (one probe
-- each), and a partition is skipped for a tenant when it starts at or after that tenant's cutoff.
-- Budget, cutoffs and the clock clamp are as before.
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
  PERFORM set_config('app.retention', '', true);
  RETURN v_total;
END $$;
--> statement-breakpoint
-- The new parents: same columns and defaults, RLS and policies copied from the tables they replace.
ALTER TABLE spans RENAME TO spans_unpartitioned;
--> statement-breakpoint
ALTER TABLE log_records RENAME TO log_records_unpartitioned;
--> statement-breakpoint
ALTER TABLE metric_points RENAME TO metric_points_unpartitioned;
--> statement-breakpoint
ALTER TABLE span_rollups RENAME TO span_rollups_unpartitioned;
--> statement-breakpoint
-- span_rollups had no retention policy (nothing purged it): the owner's purge and the copy below
-- need one, like the other telemetry tables' (0009). Copied to the new parent with the others.
CREATE POLICY retention ON span_rollups_unpartitioned TO CURRENT_USER
  USING (app_retention_running()) WITH CHECK (app_retention_running());
--> statement-breakpoint
CREATE TABLE spans (LIKE spans_unpartitioned INCLUDING DEFAULTS) PARTITION BY RANGE (start_time);
--> statement-breakpoint
CREATE TABLE log_records (LIKE log_records_unpartitioned INCLUDING DEFAULTS) PARTITION BY RANGE (time);
--> statement-breakpoint
CREATE TABLE metric_points (LIKE metric_points_unpartitioned INCLUDING DEFAULTS) PARTITION BY RANGE (time);
--> statement-breakpoint
CREATE TABLE span_rollups (LIKE span_rollups_unpartitioned INCLUDING DEFAULTS) PARTITION BY RANGE (minute);
--> statement-breakpoint
SELECT partition_copy_policies('spans_unpartitioned', 'spans'),
  partition_copy_policies('log_records_unpartitioned', 'log_records'),
  partition_copy_policies('metric_points_unpartitioned', 'metric_points'),
  partition_copy_policies('span_rollups_unpartitioned', 'span_rollups');
--> statement-breakpoint
GRANT SELECT, INSERT, DELETE ON spans, log_records, metric_points TO sightline_app;
--> statement-breakpoint
GRANT SELECT, INSERT, UPDATE ON span_rollups TO sightline_app;
--> statement-breakpoint
-- Partitions for every day that holds rows (at most 365 days back) or lies in the coming week, at
-- least the last 31 days (a new database then takes a month of late data into day partitions),
-- then the rows. The rollup trigger stays on the old table, so copied spans are not counted twice.
DO $$
DECLARE
  v_oldest timestamptz;
BEGIN
  PERFORM set_config('app.retention', 'on', true);
  SELECT least((SELECT min(start_time) FROM spans_unpartitioned), (SELECT min(time) FROM log_records_unpartitioned),
      (SELECT min(time) FROM metric_points_unpartitioned), (SELECT min(minute) FROM span_rollups_unpartitioned),
      now() - interval '31 days')
    INTO v_oldest;
  PERFORM partitions_ensure(greatest(v_oldest, now() - interval '365 days'), now() + interval '8 days');
  INSERT INTO spans SELECT * FROM spans_unpartitioned;
  INSERT INTO log_records SELECT * FROM log_records_unpartitioned;
  INSERT INTO metric_points SELECT * FROM metric_points_unpartitioned;
  INSERT INTO span_rollups SELECT * FROM span_rollups_unpartitioned;
  PERFORM set_config('app.retention', '', true);
END $$;
--> statement-breakpoint
DROP TABLE spans_unpartitioned, log_records_unpartitioned, metric_points_unpartitioned, span_rollups_unpartitioned;
--> statement-breakpoint
-- The indexes of 0006/0009/0022 (same names and definitions; db/schema/telemetry.ts), now
-- partitioned: built on every partition and inherited by every partition created later.
CREATE UNIQUE INDEX "spans_identity" ON "spans" USING btree ("tenant_id","trace_id","span_id","start_time");
--> statement-breakpoint
CREATE INDEX "spans_tenant_time" ON "spans" USING btree ("tenant_id","start_time" DESC NULLS LAST);
--> statement-breakpoint
CREATE INDEX "spans_tenant_service_time" ON "spans" USING btree ("tenant_id","service_name","start_time" DESC NULLS LAST);
--> statement-breakpoint
CREATE INDEX "spans_tenant_name_time" ON "spans" USING btree ("tenant_id","name","start_time" DESC NULLS LAST);
--> statement-breakpoint
CREATE INDEX "spans_tenant_roots_time" ON "spans" USING btree ("tenant_id","start_time" DESC NULLS LAST) WHERE "parent_span_id" is null;
--> statement-breakpoint
CREATE INDEX spans_enduser_id_idx ON spans ((attributes->>'enduser.id'))
  WHERE (attributes->>'enduser.id') IS NOT NULL;
--> statement-breakpoint
CREATE UNIQUE INDEX "log_records_identity" ON "log_records" USING btree ("tenant_id","time","record_key");
--> statement-breakpoint
CREATE INDEX "log_records_tenant_service_time" ON "log_records" USING btree ("tenant_id","service_name","time" DESC NULLS LAST);
--> statement-breakpoint
CREATE INDEX "log_records_tenant_severity_time" ON "log_records" USING btree ("tenant_id","severity_number","time" DESC NULLS LAST);
--> statement-breakpoint
CREATE UNIQUE INDEX "metric_points_identity" ON "metric_points" USING btree ("tenant_id","time","point_key");
--> statement-breakpoint
CREATE INDEX "metric_points_tenant_name_time" ON "metric_points" USING btree ("tenant_id","name","time" DESC NULLS LAST);
--> statement-breakpoint
CREATE UNIQUE INDEX "span_rollups_identity" ON "span_rollups" USING btree ("tenant_id","minute","service_name","span_name");
--> statement-breakpoint
-- A statement-level trigger with a transition table on a partitioned parent sees the rows routed
-- to every partition (0022).
CREATE TRIGGER spans_rollup AFTER INSERT ON spans
  REFERENCING NEW TABLE AS new_spans
  FOR EACH STATEMENT EXECUTE FUNCTION span_rollups_add();
