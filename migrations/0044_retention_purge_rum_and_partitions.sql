-- 0037 (RUM rollups) and 0040 (partitioned telemetry) were written side by side and each redefined
-- retention_purge_telemetry; applied in order, 0040's would stop purging the RUM tables. This one
-- keeps both: the partitioned tables partition by partition (0040), then the RUM tables (0037).
CREATE OR REPLACE FUNCTION retention_purge_telemetry(p_now timestamptz, p_limit integer) RETURNS integer
  LANGUAGE plpgsql SECURITY DEFINER
  SET search_path = pg_catalog, public, pg_temp
AS $$
DECLARE
  v_now timestamptz := least(p_now, now());
  v_budget integer := least(greatest(p_limit, 1), 10000);
  v_partition record;
  v_table record;
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
  -- The RUM tables (0035, 0037) are not partitioned yet: their rows are deleted table by table as
  -- in 0037, from what is left of the same budget.
  FOR v_table IN
    SELECT * FROM (VALUES ('rum_events'), ('rum_rollups'), ('rum_rollups_daily')) AS t(name)
  LOOP
    v_after := '00000000-0000-0000-0000-000000000000';
    LOOP
      EXIT WHEN v_total >= v_budget;
      EXECUTE format('SELECT tenant_id FROM %I WHERE tenant_id > $1 ORDER BY tenant_id LIMIT 1', v_table.name)
        INTO v_tenant USING v_after;
      EXIT WHEN v_tenant IS NULL;
      v_after := v_tenant;
      SELECT v_now - make_interval(days =>
          CASE WHEN t.id IS NULL THEN 0 WHEN t.plan = 'free' THEN 7 ELSE coalesce(r.days, 30) END)
        INTO v_cutoff
        FROM (SELECT v_tenant AS id) x
        LEFT JOIN tenants t ON t.id = x.id
        LEFT JOIN telemetry_retention r ON r.tenant_id = x.id;
      EXECUTE format(
        'DELETE FROM %1$I WHERE ctid = ANY(ARRAY(
           SELECT ctid FROM %1$I WHERE tenant_id = $1 AND time < $2 LIMIT $3 FOR UPDATE SKIP LOCKED))',
        v_table.name)
        USING v_tenant, v_cutoff, v_budget - v_total;
      GET DIAGNOSTICS v_deleted = ROW_COUNT;
      v_total := v_total + v_deleted;
    END LOOP;
  END LOOP;
  PERFORM set_config('app.retention', '', true);
  RETURN v_total;
END $$;
