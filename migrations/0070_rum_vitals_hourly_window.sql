-- Hour cells for the last four days only (docs/ingest.md "RUM storage"). At low volume every
-- vital is in eight cells of each of five hour widths, each cell almost as large as the one event
-- it holds: the bench's 100 k-span tenant (60 k RUM events over 30 days) stored 2.4 KB of rollups
-- per event. A view of up to three days that ends now needs at most four days of them; one that
-- ends earlier reads the hours before the tenant's oldest hour cell from their combination rows
-- (as it reads what is stale), which at such a tenant's volume is as fast. At high volume the
-- cells of an hour stop growing (every key filled), so four days of them are a bounded size.
CREATE OR REPLACE FUNCTION rum_vitals_compact(p_limit integer) RETURNS integer
  LANGUAGE plpgsql SECURITY DEFINER
  SET search_path = pg_catalog, public, pg_temp
AS $$
DECLARE
  v_limit integer := least(greatest(p_limit, 1), 1000);
  v_tenants uuid[];
  v_times timestamptz[];
  v_done integer := 0;
BEGIN
  -- One compaction at a time (the next waits): two would rebuild a shared block from halves the
  -- other has not committed yet, or insert the same block twice.
  PERFORM pg_advisory_xact_lock(hashtext('rum_vitals_compact'));
  PERFORM set_config('app.retention', 'on', true);
  WITH taken AS (
    DELETE FROM rum_vitals_stale s WHERE (s.tenant_id, s.time) IN (
      SELECT x.tenant_id, x.time FROM rum_vitals_stale x ORDER BY x.time DESC, x.tenant_id
      LIMIT v_limit FOR UPDATE SKIP LOCKED)
    RETURNING s.tenant_id, s.time
  )
  SELECT coalesce(array_agg(tenant_id), '{}'), coalesce(array_agg(time), '{}') INTO v_tenants, v_times FROM taken;
  PERFORM rum_vitals_rebuild(false, v_tenants, v_times);
  v_done := cardinality(v_times);
  -- Hour cells are kept for four days only (the views read older hours from their combination
  -- rows): an older marker is dropped unbuilt, and its tenant's hour cells before the window go
  -- with it, so its hour is older than the tenant's oldest hour cell and read from the rows.
  WITH dropped AS (
    DELETE FROM rum_vitals_stale_hours s WHERE s.time < now() - interval '4 days' RETURNING s.tenant_id
  )
  DELETE FROM rum_vitals_hourly h
  WHERE h.tenant_id IN (SELECT tenant_id FROM dropped) AND h.time < now() - interval '4 days';
  WITH taken AS (
    DELETE FROM rum_vitals_stale_hours s WHERE (s.tenant_id, s.time) IN (
      SELECT x.tenant_id, x.time FROM rum_vitals_stale_hours x ORDER BY x.time DESC, x.tenant_id
      LIMIT v_limit FOR UPDATE SKIP LOCKED)
    RETURNING s.tenant_id, s.time
  )
  SELECT coalesce(array_agg(tenant_id), '{}'), coalesce(array_agg(time), '{}') INTO v_tenants, v_times FROM taken;
  PERFORM rum_vitals_rebuild(true, v_tenants, v_times);
  v_done := v_done + cardinality(v_times);
  DELETE FROM rum_vitals_hourly h WHERE h.tenant_id = ANY (v_tenants) AND h.time < now() - interval '4 days';
  PERFORM set_config('app.retention', '', true);
  RETURN v_done;
END $$;
--> statement-breakpoint
-- Markers the earlier migrations meant to set but could not see the rows for (the tables' forced
-- RLS hides every tenant's rows from the owner unless its maintenance policy is on): every day
-- with vitals, and every hour with vitals in the hour cells' window. Hour cells outside the window go.
SELECT set_config('app.retention', 'on', true);
--> statement-breakpoint
INSERT INTO rum_vitals_stale (tenant_id, time)
SELECT DISTINCT tenant_id, time FROM rum_rollups_daily WHERE metric <> 'page_view'
ON CONFLICT DO NOTHING;
--> statement-breakpoint
INSERT INTO rum_vitals_stale_hours (tenant_id, time)
SELECT DISTINCT tenant_id, time FROM rum_rollups WHERE metric <> 'page_view' AND time >= now() - interval '4 days'
ON CONFLICT DO NOTHING;
--> statement-breakpoint
DELETE FROM rum_vitals_hourly WHERE time < now() - interval '4 days';
--> statement-breakpoint
DELETE FROM rum_vitals_stale_hours WHERE time < now() - interval '4 days';
--> statement-breakpoint
SELECT set_config('app.retention', '', true);
