CREATE TABLE "rum_vitals_hourly" (
	"tenant_id" uuid NOT NULL,
	"time" timestamp(6) with time zone NOT NULL,
	"hours" integer NOT NULL,
	"metric" text NOT NULL,
	"route" text NOT NULL,
	"dimension" text NOT NULL,
	"value" text NOT NULL,
	"count" bigint NOT NULL,
	"good" bigint NOT NULL,
	"poor" bigint NOT NULL,
	"buckets" integer[] NOT NULL,
	"counts" bigint[] NOT NULL
);
--> statement-breakpoint
CREATE TABLE "rum_vitals_stale_hours" (
	"tenant_id" uuid NOT NULL,
	"time" timestamp(6) with time zone NOT NULL,
	CONSTRAINT "rum_vitals_stale_hours_tenant_id_time_pk" PRIMARY KEY("tenant_id","time")
);
--> statement-breakpoint
CREATE UNIQUE INDEX "rum_vitals_hourly_identity" ON "rum_vitals_hourly" USING btree ("tenant_id","time","hours","metric","route","dimension","value");--> statement-breakpoint
-- Web Vitals cells per hour and over blocks of hours (db/schema/rum.ts, docs/ingest.md "RUM
-- storage"). A view of up to three days read every hourly combination row of its range (route ×
-- device × network × country per vital and hour, ~2,500 at a busy site) and hashed their jsonb
-- sketches into six grouping sets, so its cost grew with traffic until every combination of every
-- hour was filled. The compaction now builds the hours' cells like the days' (0066) and merges them
-- into aligned blocks of 2, 4, 8 and 16 hours (0067's segment tree, in hours); the store marks the
-- hours it touched stale as it marks days.
GRANT SELECT ON rum_vitals_hourly TO sightline_app;
--> statement-breakpoint
GRANT SELECT, INSERT, UPDATE ON rum_vitals_stale_hours TO sightline_app;
--> statement-breakpoint
ALTER TABLE rum_vitals_hourly ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE rum_vitals_hourly FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE rum_vitals_stale_hours ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE rum_vitals_stale_hours FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
CREATE POLICY tenant_isolation ON rum_vitals_hourly
  USING (tenant_id = app_tenant_id()) WITH CHECK (tenant_id = app_tenant_id());
--> statement-breakpoint
CREATE POLICY tenant_isolation ON rum_vitals_stale_hours
  USING (tenant_id = app_tenant_id()) WITH CHECK (tenant_id = app_tenant_id());
--> statement-breakpoint
CREATE POLICY retention ON rum_vitals_hourly TO CURRENT_USER
  USING (app_retention_running()) WITH CHECK (app_retention_running());
--> statement-breakpoint
CREATE POLICY retention ON rum_vitals_stale_hours TO CURRENT_USER
  USING (app_retention_running()) WITH CHECK (app_retention_running());
--> statement-breakpoint
-- 0066's cells of a tenant's days, for hours too: p_hourly reads the hourly combinations
-- (rum_rollups) instead of the daily ones. SECURITY INVOKER, as before.
CREATE FUNCTION rum_vitals_cells(p_tenant uuid, p_times timestamptz[], p_hourly boolean)
  RETURNS TABLE ("time" timestamptz, metric text, route text, dimension text, value text,
    count bigint, good bigint, poor bigint, buckets integer[], counts bigint[])
  LANGUAGE sql STABLE SECURITY INVOKER
  SET search_path = pg_catalog, public, pg_temp
AS $$
  WITH combinations AS (
    SELECT r.time, r.metric, r.route, r.device, r.network, r.country, r.count, r.good, r.poor, r.sketch
    FROM rum_rollups_daily r
    WHERE NOT p_hourly AND r.tenant_id = p_tenant AND r.time = ANY (p_times) AND r.metric <> 'page_view'
    UNION ALL
    SELECT r.time, r.metric, r.route, r.device, r.network, r.country, r.count, r.good, r.poor, r.sketch
    FROM rum_rollups r
    WHERE p_hourly AND r.tenant_id = p_tenant AND r.time = ANY (p_times) AND r.metric <> 'page_view'
  ),
  totals AS (
    SELECT c.time, c.metric, c.route, c.device, c.network, c.country,
      sum(c.count)::bigint AS count, sum(c.good)::bigint AS good, sum(c.poor)::bigint AS poor
    FROM combinations c
    GROUP BY GROUPING SETS ((1, 2), (1, 2, 4), (1, 2, 5), (1, 2, 6), (1, 2, 3), (1, 2, 3, 4), (1, 2, 3, 5), (1, 2, 3, 6))
  ),
  merged AS (
    SELECT c.time, c.metric, c.route, c.device, c.network, c.country,
      CASE WHEN e.key = 'z' THEN -2147483648 ELSE e.key::integer END AS bucket, sum(e.value::bigint)::bigint AS n
    FROM combinations c CROSS JOIN LATERAL jsonb_each_text(c.sketch) AS e
    GROUP BY GROUPING SETS ((1, 2, 7), (1, 2, 4, 7), (1, 2, 5, 7), (1, 2, 6, 7), (1, 2, 3, 7), (1, 2, 3, 4, 7),
      (1, 2, 3, 5, 7), (1, 2, 3, 6, 7))
  ),
  sketches AS (
    SELECT m.time, m.metric, m.route, m.device, m.network, m.country,
      array_agg(m.bucket ORDER BY m.bucket) AS buckets, array_agg(m.n ORDER BY m.bucket) AS counts
    FROM merged m GROUP BY 1, 2, 3, 4, 5, 6
  )
  SELECT t.time, t.metric, coalesce(t.route, ''),
    CASE WHEN t.device IS NOT NULL THEN 'device' WHEN t.network IS NOT NULL THEN 'network'
      WHEN t.country IS NOT NULL THEN 'country' ELSE '' END,
    coalesce(t.device, t.network, t.country, ''), t.count, t.good, t.poor, s.buckets, s.counts
  FROM totals t JOIN sketches s ON s.time = t.time AND s.metric = t.metric
    AND s.route IS NOT DISTINCT FROM t.route AND s.device IS NOT DISTINCT FROM t.device
    AND s.network IS NOT DISTINCT FROM t.network AND s.country IS NOT DISTINCT FROM t.country
$$;
--> statement-breakpoint
-- Rebuilds the given (tenant, day or hour) pairs' cells and every block holding one of them,
-- smallest first, each block merged from its two halves one level down (0067). Called by the
-- compaction only (as the owner, with its maintenance policy on); not granted to anyone.
CREATE FUNCTION rum_vitals_rebuild(p_hourly boolean, p_tenants uuid[], p_times timestamptz[]) RETURNS void
  LANGUAGE plpgsql SECURITY INVOKER
  SET search_path = pg_catalog, public, pg_temp
AS $$
DECLARE
  v_table text := CASE WHEN p_hourly THEN 'rum_vitals_hourly' ELSE 'rum_vitals_daily' END;
  v_width_column text := CASE WHEN p_hourly THEN 'hours' ELSE 'days' END;
  v_unit interval := CASE WHEN p_hourly THEN interval '1 hour' ELSE interval '1 day' END;
  v_largest integer := CASE WHEN p_hourly THEN 16 ELSE 64 END;
  v_tenant uuid;
  v_width integer := 1;
BEGIN
  EXECUTE format('DELETE FROM %1$I d USING unnest($1, $2) AS u(tenant_id, time)
    WHERE d.tenant_id = u.tenant_id AND d.time = u.time AND d.%2$I = 1', v_table, v_width_column)
    USING p_tenants, p_times;
  FOR v_tenant IN SELECT DISTINCT t FROM unnest(p_tenants) AS t LOOP
    EXECUTE format('INSERT INTO %1$I (tenant_id, time, %2$I, metric, route, dimension, value, count, good, poor, buckets, counts)
      SELECT $1, c.time, 1, c.metric, c.route, c.dimension, c.value, c.count, c.good, c.poor, c.buckets, c.counts
      FROM rum_vitals_cells($1, $2, $3) AS c', v_table, v_width_column)
      USING v_tenant, ARRAY(SELECT u.time FROM unnest(p_tenants, p_times) AS u(tenant_id, time) WHERE u.tenant_id = v_tenant),
        p_hourly;
  END LOOP;
  WHILE v_width < v_largest LOOP
    v_width := v_width * 2;
    EXECUTE format($sql$
      WITH blocks AS (
        SELECT DISTINCT u.tenant_id, date_bin($3 * $4, u.time, timestamptz '2000-01-01 00:00:00+00') AS start
        FROM unnest($1, $2) AS u(tenant_id, time)
      )
      DELETE FROM %1$I d USING blocks b WHERE d.tenant_id = b.tenant_id AND d.time = b.start AND d.%2$I = $3
    $sql$, v_table, v_width_column)
      USING p_tenants, p_times, v_width, v_unit;
    EXECUTE format($sql$
      INSERT INTO %1$I (tenant_id, time, %2$I, metric, route, dimension, value, count, good, poor, buckets, counts)
      WITH blocks AS (
        SELECT DISTINCT u.tenant_id, date_bin($3 * $4, u.time, timestamptz '2000-01-01 00:00:00+00') AS start
        FROM unnest($1, $2) AS u(tenant_id, time)
      ),
      halves AS (
        SELECT b.tenant_id, b.start, c.metric, c.route, c.dimension, c.value, c.count, c.good, c.poor, c.buckets, c.counts
        FROM blocks b JOIN %1$I c ON c.tenant_id = b.tenant_id AND c.%2$I = $3 / 2
          AND c.time >= b.start AND c.time < b.start + $3 * $4
      ),
      totals AS (
        SELECT h.tenant_id, h.start, h.metric, h.route, h.dimension, h.value,
          sum(h.count)::bigint AS count, sum(h.good)::bigint AS good, sum(h.poor)::bigint AS poor
        FROM halves h GROUP BY 1, 2, 3, 4, 5, 6
      ),
      merged AS (
        SELECT h.tenant_id, h.start, h.metric, h.route, h.dimension, h.value, u.bucket, sum(u.n)::bigint AS n
        FROM halves h CROSS JOIN LATERAL unnest(h.buckets, h.counts) AS u(bucket, n)
        GROUP BY 1, 2, 3, 4, 5, 6, 7
      ),
      sketches AS (
        SELECT m.tenant_id, m.start, m.metric, m.route, m.dimension, m.value,
          array_agg(m.bucket ORDER BY m.bucket) AS buckets, array_agg(m.n ORDER BY m.bucket) AS counts
        FROM merged m GROUP BY 1, 2, 3, 4, 5, 6
      )
      SELECT t.tenant_id, t.start, $3, t.metric, t.route, t.dimension, t.value, t.count, t.good, t.poor,
        s.buckets, s.counts
      FROM totals t JOIN sketches s USING (tenant_id, start, metric, route, dimension, value)
    $sql$, v_table, v_width_column)
      USING p_tenants, p_times, v_width, v_unit;
  END LOOP;
END $$;
--> statement-breakpoint
-- Up to p_limit stale days and p_limit stale hours per call (newest first: what every view reads);
-- returns how many it rebuilt of both. The five-minute Cron calls it until that is less than its
-- limit (worker/src/rollups/vitals-compaction.ts).
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
  WITH taken AS (
    DELETE FROM rum_vitals_stale_hours s WHERE (s.tenant_id, s.time) IN (
      SELECT x.tenant_id, x.time FROM rum_vitals_stale_hours x ORDER BY x.time DESC, x.tenant_id
      LIMIT v_limit FOR UPDATE SKIP LOCKED)
    RETURNING s.tenant_id, s.time
  )
  SELECT coalesce(array_agg(tenant_id), '{}'), coalesce(array_agg(time), '{}') INTO v_tenants, v_times FROM taken;
  PERFORM rum_vitals_rebuild(true, v_tenants, v_times);
  v_done := v_done + cardinality(v_times);
  PERFORM set_config('app.retention', '', true);
  RETURN v_done;
END $$;
--> statement-breakpoint
DROP FUNCTION rum_vitals_cells(uuid, timestamptz[]);
--> statement-breakpoint
REVOKE ALL ON FUNCTION rum_vitals_cells(uuid, timestamptz[], boolean), rum_vitals_rebuild(boolean, uuid[], timestamptz[]) FROM PUBLIC;
--> statement-breakpoint
GRANT EXECUTE ON FUNCTION rum_vitals_cells(uuid, timestamptz[], boolean) TO sightline_app;
--> statement-breakpoint
-- The store marks the hours it added vitals to as well as the days (0066's trigger otherwise unchanged).
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
      ORDER BY tenant_id, bin, metric, route, device, network, country, colo
      ON CONFLICT (tenant_id, time, metric, route, device, network, country, colo) DO UPDATE SET
        count = r.count + excluded.count,
        good = r.good + excluded.good,
        poor = r.poor + excluded.poor,
        sketch = CASE WHEN r.sketch IS NULL THEN NULL ELSE span_sketch_merge(r.sketch, excluded.sketch) END
    $sql$, v_grain.name, v_grain.width);
  END LOOP;
  -- The days and hours this statement added vitals to are stale in rum_vitals_daily / _hourly until the compaction
  -- rebuilds them. DO UPDATE, not DO NOTHING: it locks the marker until this transaction ends, so a
  -- compaction cannot consume it (SKIP LOCKED) while these rollups are still invisible to it; one
  -- that consumed it first makes this insert wait and then add the marker again.
  INSERT INTO rum_vitals_stale AS s (tenant_id, time)
  SELECT DISTINCT tenant_id, date_bin('1 day', time, timestamptz '2000-01-01 00:00:00+00')
  FROM new_events WHERE metric <> 'page_view'
  ORDER BY 1, 2
  ON CONFLICT (tenant_id, time) DO UPDATE SET time = s.time;
  INSERT INTO rum_vitals_stale_hours AS s (tenant_id, time)
  SELECT DISTINCT tenant_id, date_bin('1 hour', time, timestamptz '2000-01-01 00:00:00+00')
  FROM new_events WHERE metric <> 'page_view'
  ORDER BY 1, 2
  ON CONFLICT (tenant_id, time) DO UPDATE SET time = s.time;
  RETURN NULL;
END
$$;
--> statement-breakpoint
-- A tenant's telemetry cutoff: what the purge below asked twice, inline, in every version of it.
-- A tenant that no longer exists keeps nothing.
CREATE FUNCTION telemetry_cutoff(p_tenant uuid, p_now timestamptz) RETURNS timestamptz
  LANGUAGE sql STABLE SECURITY INVOKER
  SET search_path = pg_catalog, public, pg_temp
AS $$
  SELECT p_now - make_interval(days =>
      CASE WHEN t.id IS NULL THEN 0 WHEN t.plan = 'free' THEN 7 ELSE coalesce(r.days, 30) END)
  FROM (SELECT p_tenant AS id) x
  LEFT JOIN tenants t ON t.id = x.id
  LEFT JOIN telemetry_retention r ON r.tenant_id = x.id
$$;
--> statement-breakpoint
REVOKE ALL ON FUNCTION telemetry_cutoff(uuid, timestamptz) FROM PUBLIC;
--> statement-breakpoint
-- The hourly cells and their markers go with the tenant's telemetry window too.
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
      v_cutoff := telemetry_cutoff(v_tenant, v_now);
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
  FOR v_table IN SELECT * FROM (VALUES ('rum_rollups_daily'), ('rum_vitals_daily'), ('rum_vitals_stale'),
    ('rum_vitals_hourly'), ('rum_vitals_stale_hours')) AS t(name)
  LOOP
    v_after := '00000000-0000-0000-0000-000000000000';
    LOOP
      EXIT WHEN v_total >= v_budget;
      EXECUTE format('SELECT tenant_id FROM %I WHERE tenant_id > $1 ORDER BY tenant_id LIMIT 1', v_table.name)
        INTO v_tenant USING v_after;
      EXIT WHEN v_tenant IS NULL;
      v_after := v_tenant;
      v_cutoff := telemetry_cutoff(v_tenant, v_now);
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
--> statement-breakpoint
-- Every hour that already has vitals is stale: the first compaction builds its cells and blocks.
INSERT INTO rum_vitals_stale_hours (tenant_id, time)
SELECT DISTINCT tenant_id, time FROM rum_rollups WHERE metric <> 'page_view';
