-- The cells of a tenant's days or hours (0068's rum_vitals_cells), for the compaction only. Its
-- grouping sets were joined back to their sketches on nullable keys (IS NOT DISTINCT FROM, which
-- Postgres can neither hash nor merge: a nested loop over every pair, quadratic in the cells of
-- the call, ~1 s for one tenant's 24 hours at 100 k spans); each cell's key is now spelled out
-- with grouping() so both sides join on equality. The views no longer call it: they tag a stale
-- hour's or day's combination rows straight into their groups (worker/src/query/rum.ts).
CREATE OR REPLACE FUNCTION rum_vitals_cells(p_tenant uuid, p_times timestamptz[], p_hourly boolean)
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
    SELECT c.time, c.metric, CASE WHEN grouping(c.route) = 0 THEN c.route ELSE '' END AS route,
      CASE WHEN grouping(c.device) = 0 THEN 'device' WHEN grouping(c.network) = 0 THEN 'network'
        WHEN grouping(c.country) = 0 THEN 'country' ELSE '' END AS dimension,
      CASE WHEN grouping(c.device) = 0 THEN c.device WHEN grouping(c.network) = 0 THEN c.network
        WHEN grouping(c.country) = 0 THEN c.country ELSE '' END AS value,
      sum(c.count)::bigint AS count, sum(c.good)::bigint AS good, sum(c.poor)::bigint AS poor
    FROM combinations c
    GROUP BY GROUPING SETS ((1, 2), (1, 2, c.device), (1, 2, c.network), (1, 2, c.country), (1, 2, c.route),
      (1, 2, c.route, c.device), (1, 2, c.route, c.network), (1, 2, c.route, c.country))
  ),
  entries AS (
    SELECT c.time, c.metric, c.route, c.device, c.network, c.country,
      CASE WHEN e.key = 'z' THEN -2147483648 ELSE e.key::integer END AS bucket, e.value::bigint AS n
    FROM combinations c CROSS JOIN LATERAL jsonb_each_text(c.sketch) AS e
  ),
  merged AS (
    SELECT e.time, e.metric, CASE WHEN grouping(e.route) = 0 THEN e.route ELSE '' END AS route,
      CASE WHEN grouping(e.device) = 0 THEN 'device' WHEN grouping(e.network) = 0 THEN 'network'
        WHEN grouping(e.country) = 0 THEN 'country' ELSE '' END AS dimension,
      CASE WHEN grouping(e.device) = 0 THEN e.device WHEN grouping(e.network) = 0 THEN e.network
        WHEN grouping(e.country) = 0 THEN e.country ELSE '' END AS value,
      e.bucket, sum(e.n)::bigint AS n
    FROM entries e
    GROUP BY GROUPING SETS ((1, 2, e.bucket), (1, 2, e.device, e.bucket), (1, 2, e.network, e.bucket),
      (1, 2, e.country, e.bucket), (1, 2, e.route, e.bucket), (1, 2, e.route, e.device, e.bucket),
      (1, 2, e.route, e.network, e.bucket), (1, 2, e.route, e.country, e.bucket))
  ),
  sketches AS (
    SELECT m.time, m.metric, m.route, m.dimension, m.value,
      array_agg(m.bucket ORDER BY m.bucket) AS buckets, array_agg(m.n ORDER BY m.bucket) AS counts
    FROM merged m GROUP BY 1, 2, 3, 4, 5
  )
  SELECT t.time, t.metric, t.route, t.dimension, t.value, t.count, t.good, t.poor, s.buckets, s.counts
  FROM totals t JOIN sketches s USING ("time", metric, route, dimension, value)
$$;
--> statement-breakpoint
REVOKE EXECUTE ON FUNCTION rum_vitals_cells(uuid, timestamptz[], boolean) FROM sightline_app;
