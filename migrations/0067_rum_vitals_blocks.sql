DROP INDEX "rum_vitals_daily_identity";--> statement-breakpoint
ALTER TABLE "rum_vitals_daily" ADD COLUMN "days" integer DEFAULT 1 NOT NULL;--> statement-breakpoint
CREATE UNIQUE INDEX "rum_vitals_daily_identity" ON "rum_vitals_daily" USING btree ("tenant_id","time","days","metric","route","dimension","value");--> statement-breakpoint
-- Web Vitals cells over blocks of days (db/schema/rum.ts, docs/ingest.md "RUM storage"). A 30-day
-- view read every cell of every day: ~30 × (1 + routes + devices + networks + countries) sketches
-- per vital, each of up to ~80 buckets once a day is busy, so its merge (~200 k entries at 1 M
-- spans) was most of the view's time. The compaction now also merges the day cells into aligned
-- blocks of 2, 4, 8, 16, 32 and 64 days (a segment tree over days: a block of 2^k days starts a
-- multiple of 2^k days after 2000-01-01 and is the merge of its two halves), and a view reads the
-- largest blocks that fit its range and hold no stale day: at most ~2·log2(days) blocks per cell.
-- A block is rebuilt, from its halves, in the transaction that compacts any of its days, so a
-- block none of whose days is stale is current.
CREATE OR REPLACE FUNCTION rum_vitals_compact(p_limit integer) RETURNS integer
  LANGUAGE plpgsql SECURITY DEFINER
  SET search_path = pg_catalog, public, pg_temp
AS $$
DECLARE
  v_day record;
  v_tenants uuid[] := '{}';
  v_days timestamptz[] := '{}';
  v_width integer := 1;
BEGIN
  -- One compaction at a time (the next waits): two would rebuild a shared block from halves the
  -- other has not committed yet, or insert the same block twice.
  PERFORM pg_advisory_xact_lock(hashtext('rum_vitals_compact'));
  PERFORM set_config('app.retention', 'on', true);
  FOR v_day IN
    DELETE FROM rum_vitals_stale s WHERE (s.tenant_id, s.time) IN (
      SELECT x.tenant_id, x.time FROM rum_vitals_stale x ORDER BY x.time DESC, x.tenant_id
      LIMIT least(greatest(p_limit, 1), 1000) FOR UPDATE SKIP LOCKED)
    RETURNING s.tenant_id, s.time
  LOOP
    DELETE FROM rum_vitals_daily d WHERE d.tenant_id = v_day.tenant_id AND d.time = v_day.time AND d.days = 1;
    INSERT INTO rum_vitals_daily (tenant_id, time, days, metric, route, dimension, value, count, good, poor, buckets, counts)
    SELECT v_day.tenant_id, c.time, 1, c.metric, c.route, c.dimension, c.value, c.count, c.good, c.poor, c.buckets, c.counts
    FROM rum_vitals_cells(v_day.tenant_id, ARRAY[v_day.time]) AS c;
    v_tenants := v_tenants || v_day.tenant_id;
    v_days := v_days || v_day.time;
  END LOOP;
  -- Every block holding a rebuilt day, smallest first (each is merged from its halves, one level down).
  WHILE v_width < 64 LOOP
    v_width := v_width * 2;
    DELETE FROM rum_vitals_daily d
    USING (SELECT DISTINCT u.tenant_id, date_bin(make_interval(days => v_width), u.day, timestamptz '2000-01-01 00:00:00+00') AS start
      FROM unnest(v_tenants, v_days) AS u(tenant_id, day)) AS b
    WHERE d.tenant_id = b.tenant_id AND d.time = b.start AND d.days = v_width;
    INSERT INTO rum_vitals_daily (tenant_id, time, days, metric, route, dimension, value, count, good, poor, buckets, counts)
    WITH blocks AS (
      SELECT DISTINCT u.tenant_id, date_bin(make_interval(days => v_width), u.day, timestamptz '2000-01-01 00:00:00+00') AS start
      FROM unnest(v_tenants, v_days) AS u(tenant_id, day)
    ),
    halves AS (
      SELECT b.tenant_id, b.start, c.metric, c.route, c.dimension, c.value, c.count, c.good, c.poor, c.buckets, c.counts
      FROM blocks b JOIN rum_vitals_daily c ON c.tenant_id = b.tenant_id AND c.days = v_width / 2
        AND c.time >= b.start AND c.time < b.start + make_interval(days => v_width)
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
    SELECT t.tenant_id, t.start, v_width, t.metric, t.route, t.dimension, t.value, t.count, t.good, t.poor,
      s.buckets, s.counts
    FROM totals t JOIN sketches s USING (tenant_id, start, metric, route, dimension, value);
  END LOOP;
  PERFORM set_config('app.retention', '', true);
  RETURN coalesce(array_length(v_days, 1), 0);
END $$;
--> statement-breakpoint
-- Every compacted day is stale once more: the first compaction after this migration builds its
-- blocks (until then a view computes those days from their combinations, as for any stale day).
INSERT INTO rum_vitals_stale (tenant_id, time)
SELECT DISTINCT tenant_id, time FROM rum_vitals_daily
ON CONFLICT DO NOTHING;
