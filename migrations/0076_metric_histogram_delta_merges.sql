-- Delta histograms from their buckets too (issue 11; docs/query.md "Buckets (histograms and
-- summaries)"). 0075 lets a bucket of cumulative points stand for its points by its first and last
-- point; a bucket of delta points never telescopes, so a delta histogram's series read every raw
-- point of its range. But a step's delta increments only add up: the bucket's points summed into
-- one delta point give the series math (worker/src/query/metric-steps.ts) what they give. So a
-- bucket whose points are all delta histograms of one layout (one set of explicit bounds and one
-- bucket count; or all exponential) is now stored as that one merged point, role 3, instead of
-- roles 1 and 2:
--   * count summed; sum summed, and min / max taken, when every point has them (else unknown, as
--     the series math treats a step with a point that lacks them);
--   * explicit buckets added position by position;
--   * exponential buckets brought down to the lowest scale of the bucket's points (index i at scale
--     s is i >> (s − scale), as bucket-quantiles.ts downscales) and added, zero counts summed.
-- An hour merges when every minute row it is built from is a merged one. A bucket that stops
-- merging (a cumulative point or another layout arrives in it) gets roles 1 and 2 again and loses
-- its role 3 row, so the query reads its points; the reverse cannot happen, points are only added.
--
-- The runtime role deletes those replaced rows, inside its RLS scope, like the RUM rollups' rows.
GRANT DELETE ON metric_histogram_rollups TO sightline_app;
--> statement-breakpoint
CREATE OR REPLACE FUNCTION metric_histogram_rollups_rebuild(p_tenants uuid[], p_names text[], p_minutes timestamptz[]) RETURNS void
  LANGUAGE plpgsql SECURITY INVOKER
  SET search_path = pg_catalog, public, pg_temp
AS $$
DECLARE
  v_grain record;
BEGIN
  PERFORM pg_advisory_xact_lock(k)
  FROM (SELECT DISTINCT hashtextextended(t::text || '/' || n, 71) AS k FROM unnest(p_tenants, p_names) AS u(t, n)) AS keys
  ORDER BY k;

  FOR v_grain IN SELECT * FROM (VALUES
    (60, $members$
      SELECT t.bucket, p.tenant_id, p.name, p.type, p.service_name, md5(p.resource::text) AS resource_hash,
        p.attributes, p.unit, p.temporality, p.time AS point_time, p.start_time, p.count, p.sum, p.min, p.max,
        p.bucket_counts, p.explicit_bounds, p.exponential_buckets, p.quantiles, p.point_key AS tiebreak,
        1 AS points, true AS telescopes, true AS merges
      FROM (SELECT DISTINCT t AS tenant_id, n AS name, m AS bucket FROM unnest($1, $2, $3) AS u(t, n, m)) AS t
      JOIN metric_points p ON p.tenant_id = t.tenant_id AND p.name = t.name
        AND p.time >= t.bucket AND p.time < t.bucket + interval '1 minute'
      WHERE p.type IN ('histogram', 'exponential_histogram', 'summary')
    $members$),
    (3600, $members$
      SELECT h.bucket, r.tenant_id, r.name, r.type, r.service_name, r.resource_hash, r.attributes, r.unit,
        r.temporality, r.point_time, r.start_time, r.count, r.sum, r.min, r.max, r.bucket_counts,
        r.explicit_bounds, r.exponential_buckets, r.quantiles, r.role::text AS tiebreak,
        CASE WHEN r.role IN (2, 3) THEN r.points ELSE 0 END AS points, r.telescopes, r.role = 3 AS merges
      FROM (
        SELECT DISTINCT t AS tenant_id, n AS name, date_bin('1 hour', m, timestamptz '2000-01-01 00:00:00+00') AS bucket
        FROM unnest($1, $2, $3) AS u(t, n, m)
      ) AS h
      JOIN metric_histogram_rollups r ON r.tenant_id = h.tenant_id AND r.name = h.name AND r.seconds = 60
        AND r.time >= h.bucket AND r.time < h.bucket + interval '1 hour'
    $members$)) AS g(seconds, members)
  LOOP
    EXECUTE format($sql$
      WITH members AS (%1$s), keyed AS (
        SELECT *, md5(concat_ws(' ', type, service_name, resource_hash, attributes::text)) AS stream_key
        FROM members
      ), ordered AS (
        SELECT *, row_number() OVER w AS i, count(*) OVER s AS n, lag(count) OVER w AS previous_count
        FROM keyed
        WINDOW s AS (PARTITION BY tenant_id, name, bucket, stream_key), w AS (s ORDER BY point_time, tiebreak)
      ), buckets AS (
        SELECT tenant_id, name, bucket, stream_key, sum(points)::int AS points,
          bool_and(telescopes) AND bool_and(temporality IS NOT DISTINCT FROM 2)
            AND bool_and(count IS NOT NULL AND count >= coalesce(previous_count, count))
            AND count(DISTINCT start_time) <= 1 AND count(start_time) IN (0, count(*))
            AND count(DISTINCT explicit_bounds) <= 1 AND count(explicit_bounds) IN (0, count(*))
            AND count(DISTINCT jsonb_array_length(bucket_counts)) <= 1 AND count(bucket_counts) IN (0, count(*))
            AND count(DISTINCT exponential_buckets -> 'scale') <= 1 AND count(exponential_buckets) IN (0, count(*))
            AS telescopes,
          bool_and(merges) AND bool_and(temporality IS NOT DISTINCT FROM 1) AND bool_and(count IS NOT NULL)
            AND bool_and(type <> 'summary')
            AND count(DISTINCT explicit_bounds) <= 1 AND count(explicit_bounds) IN (0, count(*))
            AND count(DISTINCT jsonb_array_length(bucket_counts)) <= 1 AND count(bucket_counts) IN (0, count(*))
            AND count(exponential_buckets) IN (0, count(*))
            AS merges,
          min(start_time) AS start_time, sum(count) AS count,
          CASE WHEN count(sum) = count(*) THEN sum(sum) END AS sum,
          CASE WHEN count(min) = count(*) THEN min(min) END AS min,
          CASE WHEN count(max) = count(*) THEN max(max) END AS max,
          min((exponential_buckets ->> 'scale')::int) AS scale,
          sum((exponential_buckets ->> 'zeroCount')::numeric) AS zero_count
        FROM ordered
        GROUP BY tenant_id, name, bucket, stream_key
      ), explicit_sums AS (
        SELECT tenant_id, name, bucket, stream_key, jsonb_agg(n ORDER BY k) AS bucket_counts
        FROM (
          SELECT o.tenant_id, o.name, o.bucket, o.stream_key, e.k, sum(e.n::numeric) AS n
          FROM ordered o JOIN buckets b USING (tenant_id, name, bucket, stream_key)
          CROSS JOIN LATERAL jsonb_array_elements_text(o.bucket_counts) WITH ORDINALITY AS e(n, k)
          WHERE b.merges
          GROUP BY 1, 2, 3, 4, 5
        ) AS positions
        GROUP BY 1, 2, 3, 4
      ), exponential_entries AS (
        SELECT o.tenant_id, o.name, o.bucket, o.stream_key, s.side,
          ((s.part ->> 'offset')::int + e.k::int - 1) >> ((o.exponential_buckets ->> 'scale')::int - b.scale) AS k,
          sum(e.n::numeric) AS n
        FROM ordered o JOIN buckets b USING (tenant_id, name, bucket, stream_key)
        CROSS JOIN LATERAL (VALUES ('positive', o.exponential_buckets -> 'positive'),
          ('negative', o.exponential_buckets -> 'negative')) AS s(side, part)
        CROSS JOIN LATERAL jsonb_array_elements_text(s.part -> 'counts') WITH ORDINALITY AS e(n, k)
        WHERE b.merges
        GROUP BY 1, 2, 3, 4, 5, 6
      ), exponential_sides AS (
        -- Each side as the stored layout: an offset and a dense run of counts from it.
        SELECT tenant_id, name, bucket, stream_key, side, jsonb_build_object('offset', lo, 'counts',
          (SELECT jsonb_agg(coalesce((counts ->> g.k::text)::numeric, 0) ORDER BY g.k)
           FROM generate_series(lo, hi) AS g(k))) AS part
        FROM (
          SELECT tenant_id, name, bucket, stream_key, side, min(k) AS lo, max(k) AS hi,
            jsonb_object_agg(k, n) AS counts
          FROM exponential_entries GROUP BY 1, 2, 3, 4, 5
        ) AS sides
      ), replaced AS (
        DELETE FROM metric_histogram_rollups r USING buckets b
        WHERE r.tenant_id = b.tenant_id AND r.name = b.name AND r.seconds = %2$s AND r.time = b.bucket
          AND r.stream_key = b.stream_key AND (r.role = 3) <> b.merges
      )
      INSERT INTO metric_histogram_rollups AS r (tenant_id, name, seconds, time, stream_key, role, points,
        telescopes, type, service_name, resource_hash, attributes, unit, temporality, point_time, start_time,
        count, sum, min, max, bucket_counts, explicit_bounds, exponential_buckets, quantiles)
      SELECT * FROM (
        SELECT o.tenant_id, o.name, %2$s, o.bucket, o.stream_key, e.role, b.points, b.telescopes, o.type,
          o.service_name, o.resource_hash, o.attributes, o.unit, o.temporality, o.point_time, o.start_time,
          o.count, o.sum, o.min, o.max, o.bucket_counts, o.explicit_bounds, o.exponential_buckets, o.quantiles
        FROM ordered o
        JOIN buckets b USING (tenant_id, name, bucket, stream_key)
        CROSS JOIN LATERAL (VALUES (1::smallint), (2::smallint)) AS e(role)
        WHERE NOT b.merges AND ((e.role = 1 AND o.i = 1) OR (e.role = 2 AND o.i = o.n))
        UNION ALL
        -- The merged point, described by the bucket's last point.
        SELECT o.tenant_id, o.name, %2$s, o.bucket, o.stream_key, 3::smallint, b.points, false, o.type,
          o.service_name, o.resource_hash, o.attributes, o.unit, o.temporality, o.point_time, b.start_time,
          b.count, b.sum, b.min, b.max, x.bucket_counts, o.explicit_bounds,
          CASE WHEN o.exponential_buckets IS NOT NULL THEN jsonb_build_object('scale', b.scale,
            'zeroCount', b.zero_count,
            'positive', coalesce(positive.part, '{"offset": 0, "counts": []}'),
            'negative', coalesce(negative.part, '{"offset": 0, "counts": []}')) END,
          null
        FROM ordered o
        JOIN buckets b USING (tenant_id, name, bucket, stream_key)
        LEFT JOIN explicit_sums x USING (tenant_id, name, bucket, stream_key)
        LEFT JOIN exponential_sides positive ON positive.side = 'positive' AND (positive.tenant_id,
          positive.name, positive.bucket, positive.stream_key) = (o.tenant_id, o.name, o.bucket, o.stream_key)
        LEFT JOIN exponential_sides negative ON negative.side = 'negative' AND (negative.tenant_id,
          negative.name, negative.bucket, negative.stream_key) = (o.tenant_id, o.name, o.bucket, o.stream_key)
        WHERE b.merges AND o.i = o.n
      ) AS rows
      ORDER BY 1, 2, 4, 5, 6
      ON CONFLICT (tenant_id, name, seconds, time, stream_key, role) DO UPDATE SET
        points = excluded.points, telescopes = excluded.telescopes, unit = excluded.unit,
        temporality = excluded.temporality, point_time = excluded.point_time, start_time = excluded.start_time,
        count = excluded.count, sum = excluded.sum, min = excluded.min, max = excluded.max,
        bucket_counts = excluded.bucket_counts, explicit_bounds = excluded.explicit_bounds,
        exponential_buckets = excluded.exponential_buckets, quantiles = excluded.quantiles
    $sql$, v_grain.members, v_grain.seconds) USING p_tenants, p_names, p_minutes;
  END LOOP;
END $$;
--> statement-breakpoint
-- The delta histograms already stored, merged (and the rest rebuilt as before).
DO $$
BEGIN
  PERFORM set_config('app.retention', 'on', true);
  PERFORM metric_histogram_rollups_rebuild(array_agg(tenant_id), array_agg(name), array_agg(minute))
  FROM (
    SELECT DISTINCT tenant_id, name, date_bin('1 minute', time, timestamptz '2000-01-01 00:00:00+00') AS minute
    FROM metric_points WHERE type IN ('histogram', 'exponential_histogram') AND temporality = 1
  ) AS touched
  HAVING count(*) > 0;
  PERFORM set_config('app.retention', '', true);
END $$;
