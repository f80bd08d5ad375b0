-- RUM rollups per single dimension, and the RUM tables partitioned by day (issue 11; docs/ingest.md
-- "RUM storage" and "Partitions").
--
-- * Rollups were keyed by route × device × network × country (× colo), so a view merged one row per
--   combination seen: their number grows with the product of the dimensions' cardinalities, and a
--   30-day Vitals view merged ~6.5 k daily rows into 6 grouping sets at 100 k spans. Now a row counts
--   one (route, dimension, value): the route as a whole (dimension 'all'), or one device, network or
--   country value within the route; route '' is every route of the tenant. A Vitals view then reads,
--   per metric and bin, 1 + routes + devices + networks + countries rows (with a route filter: that
--   route's 1 + devices + networks + countries), each group's rows exactly once. Page views keep what
--   the pages and geography views group by: the route, and every route's countries and colos.
-- * rum_events, rum_rollups and rum_rollups_daily become PARTITION BY RANGE (time), one partition
--   per UTC day, registered in partitioned_tables (0040): the daily Cron creates them ahead with RLS
--   and both policies copied, and retention drops whole days instead of deleting rows.
-- * Existing rows are copied in this migration's transaction (as 0040): events as they are, rollups
--   converted (each old row counted into each of its new keys; sketches merged by adding counts,
--   which is exact for log buckets). ANALYZE at the end: the new partitions have no statistics yet.
CREATE FUNCTION rum_rollup_keys(p_metric text, p_route text, p_device text, p_network text, p_country text, p_colo text)
  RETURNS TABLE (route text, dimension text, value text)
  -- No SET clause: it would stop Postgres inlining the function into the trigger's statement, and
  -- it references no object a search_path could redirect.
  LANGUAGE sql IMMUTABLE PARALLEL SAFE
  AS $$
    SELECT k.route, k.dimension, k.value
    FROM (VALUES (p_route, 'all', ''), ('', 'all', ''),
      (p_route, 'device', p_device), ('', 'device', p_device),
      (p_route, 'network', p_network), ('', 'network', p_network),
      (p_route, 'country', p_country), ('', 'country', p_country),
      ('', 'colo', p_colo)) AS k(route, dimension, value)
    WHERE CASE WHEN p_metric = 'page_view'
      THEN k.dimension = 'all' OR (k.route = '' AND k.dimension IN ('country', 'colo'))
      ELSE k.dimension <> 'colo' END
  $$;
--> statement-breakpoint
REVOKE ALL ON FUNCTION rum_rollup_keys(text, text, text, text, text, text) FROM PUBLIC;
--> statement-breakpoint
GRANT EXECUTE ON FUNCTION rum_rollup_keys(text, text, text, text, text, text) TO sightline_app;
--> statement-breakpoint
DROP TRIGGER rum_events_rollup ON rum_events;
--> statement-breakpoint
ALTER TABLE rum_events RENAME TO rum_events_unpartitioned;
--> statement-breakpoint
ALTER TABLE rum_rollups RENAME TO rum_rollups_by_combination;
--> statement-breakpoint
ALTER TABLE rum_rollups_daily RENAME TO rum_rollups_daily_by_combination;
--> statement-breakpoint
CREATE TABLE rum_events (LIKE rum_events_unpartitioned INCLUDING DEFAULTS) PARTITION BY RANGE (time);
--> statement-breakpoint
CREATE TABLE rum_rollups (
  "tenant_id" uuid NOT NULL,
  "time" timestamp(6) with time zone NOT NULL,
  "metric" text NOT NULL,
  "route" text NOT NULL,
  "dimension" text NOT NULL,
  "value" text NOT NULL,
  "count" bigint NOT NULL,
  "good" bigint NOT NULL,
  "poor" bigint NOT NULL,
  "sketch" jsonb
) PARTITION BY RANGE (time);
--> statement-breakpoint
CREATE TABLE rum_rollups_daily (LIKE rum_rollups INCLUDING DEFAULTS) PARTITION BY RANGE (time);
--> statement-breakpoint
SELECT partition_copy_policies('rum_events_unpartitioned', 'rum_events'),
  partition_copy_policies('rum_rollups_by_combination', 'rum_rollups'),
  partition_copy_policies('rum_rollups_daily_by_combination', 'rum_rollups_daily');
--> statement-breakpoint
GRANT SELECT, INSERT, DELETE ON rum_events TO sightline_app;
--> statement-breakpoint
GRANT SELECT, INSERT, UPDATE, DELETE ON rum_rollups, rum_rollups_daily TO sightline_app;
--> statement-breakpoint
INSERT INTO partitioned_tables (parent, time_column) VALUES
  ('rum_events', 'time'),
  ('rum_rollups', 'time'),
  ('rum_rollups_daily', 'time');
--> statement-breakpoint
DO $$
DECLARE
  v_grain record;
BEGIN
  PERFORM set_config('app.retention', 'on', true);
  PERFORM partitions_ensure(greatest(least((SELECT min(time) FROM rum_events_unpartitioned),
      (SELECT min(time) FROM rum_rollups_daily_by_combination), now() - interval '31 days'),
    now() - interval '365 days'), now() + interval '8 days');
  INSERT INTO rum_events SELECT * FROM rum_events_unpartitioned;
  FOR v_grain IN SELECT * FROM (VALUES ('rum_rollups_by_combination', 'rum_rollups'),
    ('rum_rollups_daily_by_combination', 'rum_rollups_daily')) AS g(source, target)
  LOOP
    EXECUTE format($sql$
      WITH k AS (
        SELECT o.tenant_id, o.time, o.metric, d.route, d.dimension, d.value, o.count, o.good, o.poor, o.sketch
        FROM %1$I o CROSS JOIN LATERAL rum_rollup_keys(o.metric, o.route, o.device, o.network, o.country, o.colo) d
      ),
      sketches AS (
        SELECT tenant_id, time, metric, route, dimension, value, jsonb_object_agg(key, n) AS sketch
        FROM (
          SELECT k.tenant_id, k.time, k.metric, k.route, k.dimension, k.value, e.key, sum(e.value::bigint) AS n
          FROM k CROSS JOIN LATERAL jsonb_each_text(k.sketch) AS e
          GROUP BY 1, 2, 3, 4, 5, 6, 7
        ) AS buckets
        GROUP BY 1, 2, 3, 4, 5, 6
      )
      INSERT INTO %2$I (tenant_id, time, metric, route, dimension, value, count, good, poor, sketch)
      SELECT c.*, s.sketch
      FROM (
        SELECT tenant_id, time, metric, route, dimension, value, sum(count)::bigint, sum(good)::bigint, sum(poor)::bigint
        FROM k GROUP BY 1, 2, 3, 4, 5, 6
      ) AS c
      LEFT JOIN sketches s USING (tenant_id, time, metric, route, dimension, value)
    $sql$, v_grain.source, v_grain.target);
  END LOOP;
  PERFORM set_config('app.retention', '', true);
END $$;
--> statement-breakpoint
DROP TABLE rum_events_unpartitioned, rum_rollups_by_combination, rum_rollups_daily_by_combination;
--> statement-breakpoint
CREATE UNIQUE INDEX "rum_events_identity" ON "rum_events" USING btree ("tenant_id","time","event_id");
--> statement-breakpoint
CREATE UNIQUE INDEX "rum_rollups_identity" ON "rum_rollups" USING btree ("tenant_id","time","metric","route","dimension","value");
--> statement-breakpoint
CREATE UNIQUE INDEX "rum_rollups_daily_identity" ON "rum_rollups_daily" USING btree ("tenant_id","time","metric","route","dimension","value");
--> statement-breakpoint
-- Both grains from the rows actually inserted (0037), each event counted into each of its keys;
-- upserts in the key's order so concurrent statements lock rows in one global order (0038).
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
      INSERT INTO %1$I AS r (tenant_id, time, metric, route, dimension, value, count, good, poor, sketch)
      SELECT tenant_id, bin, metric, route, dimension, value, sum(n), sum(good), sum(poor),
        CASE WHEN metric = 'page_view' THEN NULL ELSE jsonb_object_agg(bucket, n) END
      FROM (
        SELECT e.tenant_id, date_bin(%2$L::interval, e.time, timestamptz '2000-01-01 00:00:00+00') AS bin, e.metric,
          k.route, k.dimension, k.value, coalesce(rum_sketch_bucket(e.value), '') AS bucket, count(*) AS n,
          count(*) FILTER (WHERE rum_rating(e.metric, e.value) = 0) AS good,
          count(*) FILTER (WHERE rum_rating(e.metric, e.value) = 2) AS poor
        FROM new_events e
        CROSS JOIN LATERAL rum_rollup_keys(e.metric, e.route, e.device, e.network, e.country, e.colo) k
        GROUP BY 1, 2, 3, 4, 5, 6, 7
      ) AS buckets
      GROUP BY tenant_id, bin, metric, route, dimension, value
      ORDER BY tenant_id, bin, metric, route, dimension, value
      ON CONFLICT (tenant_id, time, metric, route, dimension, value) DO UPDATE SET
        count = r.count + excluded.count,
        good = r.good + excluded.good,
        poor = r.poor + excluded.poor,
        sketch = CASE WHEN r.sketch IS NULL THEN NULL ELSE span_sketch_merge(r.sketch, excluded.sketch) END
    $sql$, v_grain.name, v_grain.width);
  END LOOP;
  RETURN NULL;
END
$$;
--> statement-breakpoint
CREATE TRIGGER rum_events_rollup AFTER INSERT ON rum_events
  REFERENCING NEW TABLE AS new_events
  FOR EACH STATEMENT EXECUTE FUNCTION rum_rollups_add();
--> statement-breakpoint
-- The RUM tables are registered partitioned tables now: 0040's partition-by-partition purge covers
-- them, so the separate table-by-table pass of 0044 goes (its body is 0040's again).
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
ANALYZE rum_events, rum_rollups, rum_rollups_daily;
