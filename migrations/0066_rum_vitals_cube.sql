CREATE TABLE "rum_vitals_daily" (
	"tenant_id" uuid NOT NULL,
	"time" timestamp(6) with time zone NOT NULL,
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
CREATE TABLE "rum_vitals_stale" (
	"tenant_id" uuid NOT NULL,
	"time" timestamp(6) with time zone NOT NULL,
	CONSTRAINT "rum_vitals_stale_tenant_id_time_pk" PRIMARY KEY("tenant_id","time")
);
--> statement-breakpoint
CREATE UNIQUE INDEX "rum_vitals_daily_identity" ON "rum_vitals_daily" USING btree ("tenant_id","time","metric","route","dimension","value");
--> statement-breakpoint
-- Web Vitals per single dimension and day (db/schema/rum.ts, docs/ingest.md "RUM storage"). A view
-- over more than three days read every combination row of the range (route × device × network ×
-- country per vital and day) and hashed their sketches into six grouping sets: its cost grew with
-- the product of the dimensions' cardinalities and with each row's sketch. Each day is now compacted
-- once into its cells (every route or one route, times no breakdown or one dimension's value), the
-- sketch as arrays Postgres merges with unnest; the store only marks the day stale, so ingest pays
-- one small upsert per day a batch touches, not eight rollup keys per event.
GRANT SELECT ON rum_vitals_daily TO sightline_app;
--> statement-breakpoint
-- The store's trigger (running as the runtime role) marks days; only the compaction deletes them.
GRANT SELECT, INSERT, UPDATE ON rum_vitals_stale TO sightline_app;
--> statement-breakpoint
ALTER TABLE rum_vitals_daily ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE rum_vitals_daily FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE rum_vitals_stale ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE rum_vitals_stale FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
CREATE POLICY tenant_isolation ON rum_vitals_daily
  USING (tenant_id = app_tenant_id()) WITH CHECK (tenant_id = app_tenant_id());
--> statement-breakpoint
CREATE POLICY tenant_isolation ON rum_vitals_stale
  USING (tenant_id = app_tenant_id()) WITH CHECK (tenant_id = app_tenant_id());
--> statement-breakpoint
-- The owner's SECURITY DEFINER maintenance (the compaction, the retention purge) sees and writes
-- rows of every tenant only while it runs.
CREATE POLICY retention ON rum_vitals_daily TO CURRENT_USER
  USING (app_retention_running()) WITH CHECK (app_retention_running());
--> statement-breakpoint
CREATE POLICY retention ON rum_vitals_stale TO CURRENT_USER
  USING (app_retention_running()) WITH CHECK (app_retention_running());
--> statement-breakpoint
-- A tenant's days as cells, computed from their combination rows: what the compaction stores, and
-- what a view reads for a day that is still stale. Each combination sketch is parsed once and its
-- entries summed into the eight cells by grouping sets (a cell's NULL grouping columns are "every"),
-- good and poor likewise from the rows. SECURITY INVOKER: a view runs it under its tenant's RLS,
-- the compaction as the owner with its maintenance policy on.
CREATE FUNCTION rum_vitals_cells(p_tenant uuid, p_days timestamptz[])
  RETURNS TABLE ("time" timestamptz, metric text, route text, dimension text, value text,
    count bigint, good bigint, poor bigint, buckets integer[], counts bigint[])
  LANGUAGE sql STABLE SECURITY INVOKER
  SET search_path = pg_catalog, public, pg_temp
AS $$
  WITH combinations AS (
    SELECT r.time, r.metric, r.route, r.device, r.network, r.country, r.count, r.good, r.poor, r.sketch
    FROM rum_rollups_daily r
    WHERE r.tenant_id = p_tenant AND r.time = ANY (p_days) AND r.metric <> 'page_view'
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
      array_agg(m.bucket) AS buckets, array_agg(m.n) AS counts
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
-- Rebuilds up to p_limit stale days (newest first: the days every view reads) and returns how many.
-- The five-minute Cron calls it until it returns less than its limit (worker/src/rollups/).
CREATE FUNCTION rum_vitals_compact(p_limit integer) RETURNS integer
  LANGUAGE plpgsql SECURITY DEFINER
  SET search_path = pg_catalog, public, pg_temp
AS $$
DECLARE
  v_day record;
  v_done integer := 0;
BEGIN
  PERFORM set_config('app.retention', 'on', true);
  FOR v_day IN
    DELETE FROM rum_vitals_stale s WHERE (s.tenant_id, s.time) IN (
      SELECT x.tenant_id, x.time FROM rum_vitals_stale x ORDER BY x.time DESC, x.tenant_id
      LIMIT least(greatest(p_limit, 1), 1000) FOR UPDATE SKIP LOCKED)
    RETURNING s.tenant_id, s.time
  LOOP
    DELETE FROM rum_vitals_daily d WHERE d.tenant_id = v_day.tenant_id AND d.time = v_day.time;
    INSERT INTO rum_vitals_daily (tenant_id, time, metric, route, dimension, value, count, good, poor, buckets, counts)
    SELECT v_day.tenant_id, c.time, c.metric, c.route, c.dimension, c.value, c.count, c.good, c.poor, c.buckets, c.counts
    FROM rum_vitals_cells(v_day.tenant_id, ARRAY[v_day.time]) AS c;
    v_done := v_done + 1;
  END LOOP;
  PERFORM set_config('app.retention', '', true);
  RETURN v_done;
END $$;
--> statement-breakpoint
REVOKE ALL ON FUNCTION rum_vitals_cells(uuid, timestamptz[]), rum_vitals_compact(integer) FROM PUBLIC;
--> statement-breakpoint
GRANT EXECUTE ON FUNCTION rum_vitals_cells(uuid, timestamptz[]), rum_vitals_compact(integer) TO sightline_app;
--> statement-breakpoint
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
  -- The days this statement added vitals to are stale in rum_vitals_daily until the compaction
  -- rebuilds them. DO UPDATE, not DO NOTHING: it locks the marker until this transaction ends, so a
  -- compaction cannot consume it (SKIP LOCKED) while these rollups are still invisible to it; one
  -- that consumed it first makes this insert wait and then add the marker again.
  INSERT INTO rum_vitals_stale AS s (tenant_id, time)
  SELECT DISTINCT tenant_id, date_bin('1 day', time, timestamptz '2000-01-01 00:00:00+00')
  FROM new_events WHERE metric <> 'page_view'
  ORDER BY 1, 2
  ON CONFLICT (tenant_id, time) DO UPDATE SET time = s.time;
  RETURN NULL;
END
$$;
--> statement-breakpoint
-- The cells and their markers go with the tenant's telemetry window, like rum_rollups_daily (0064).
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
  FOR v_table IN SELECT * FROM (VALUES ('rum_rollups_daily'), ('rum_vitals_daily'), ('rum_vitals_stale')) AS t(name)
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
--> statement-breakpoint
-- Every day that already has vitals is stale: the first compaction builds its cells.
INSERT INTO rum_vitals_stale (tenant_id, time)
SELECT DISTINCT tenant_id, time FROM rum_rollups_daily WHERE metric <> 'page_view';
