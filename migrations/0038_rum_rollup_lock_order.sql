-- Concurrent queue consumers (Cloudflare runs several batches at once at volume) upsert the same
-- hot rollup rows, above all the daily ones: each statement locked them in the order its GROUP BY
-- happened to produce, so two statements could wait on each other (deadlock, SQLSTATE 40P01: the
-- consumer retries, but with backoff). Upserting in the rollup key's order makes every statement
-- take its row locks in one global order: they may queue, never deadlock.
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
  RETURN NULL;
END
$$;
