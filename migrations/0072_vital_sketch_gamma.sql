-- Web Vitals sketches at γ = 1.02² instead of 1.02 (worker/src/query/vital-sketch.ts, docs/ingest.md
-- "RUM storage"). A vitals view's work is the sketch entries it merges, cells × buckets, and at
-- volume every cell fills its range of buckets (~80 per hour cell at 1.02): the views grew with
-- traffic until then. Twice as wide buckets halve that range and still answer within
-- (γ - 1) / (γ + 1) = 1.98 % of every value, inside the 2 % the dashboards promise for p75.
--
-- The old buckets map exactly: bucket i at 1.02 is (1.02^(i-1), 1.02^i], and ⌈i/2⌉ at 1.02² is
-- the one that holds it, so every stored sketch is rewritten as if its values had been bucketed
-- anew, and merges stay exact. The bucket rule is computed that way too (⌈⌈ln v / ln 1.02⌉ / 2⌉),
-- so a value on a bucket's edge falls the same way in Postgres and in TypeScript.
--
-- Deploy: the Worker reads bucket ids with its own γ, so it must go out with this migration (the
-- migration first, as README's deploy steps run them). Until the new Worker serves, the old one
-- shows wrong p75s on the vitals views; what is stored is right either way, and ingest computes
-- buckets here, not in the Worker.
--
-- The rollup tables are locked for the rewrite (the store's trigger would otherwise merge sketches
-- bucketed by the old rule into rewritten rows), and the compaction's lock is taken so no cell is
-- rebuilt from rows half rewritten.
SELECT pg_advisory_xact_lock(hashtext('rum_vitals_compact'));
--> statement-breakpoint
LOCK TABLE rum_rollups, rum_rollups_daily, rum_vitals_daily, rum_vitals_hourly IN SHARE ROW EXCLUSIVE MODE;
--> statement-breakpoint
CREATE OR REPLACE FUNCTION rum_sketch_bucket(v double precision) RETURNS text
  LANGUAGE sql IMMUTABLE PARALLEL SAFE
  SET search_path = pg_catalog, public, pg_temp
  AS $$ SELECT CASE WHEN v < 1e-6 THEN 'z' ELSE ceil(ceil(ln(v) / ln(1.02)) / 2)::int::text END $$;
--> statement-breakpoint
-- One old bucket id's new one; the zero bucket stays ('z' in the rollups' jsonb, the smallest
-- integer in the cells' arrays).
CREATE FUNCTION pg_temp.halved(bucket integer) RETURNS integer
  LANGUAGE sql IMMUTABLE
  AS $$ SELECT CASE WHEN bucket = -2147483648 THEN bucket ELSE ceil(bucket::numeric / 2)::integer END $$;
--> statement-breakpoint
CREATE FUNCTION pg_temp.halved(sketch jsonb) RETURNS jsonb
  LANGUAGE sql IMMUTABLE
  AS $$
    SELECT jsonb_object_agg(s.bucket, s.n) FROM (
      SELECT CASE WHEN e.key = 'z' THEN 'z' ELSE pg_temp.halved(e.key::integer)::text END AS bucket,
        sum(e.value::bigint) AS n
      FROM jsonb_each_text(sketch) AS e GROUP BY 1
    ) AS s
  $$;
--> statement-breakpoint
SELECT set_config('app.retention', 'on', true);
--> statement-breakpoint
UPDATE rum_rollups SET sketch = pg_temp.halved(sketch) WHERE sketch IS NOT NULL;
--> statement-breakpoint
UPDATE rum_rollups_daily SET sketch = pg_temp.halved(sketch) WHERE sketch IS NOT NULL;
--> statement-breakpoint
UPDATE rum_vitals_daily d SET (buckets, counts) = (
  SELECT array_agg(s.bucket ORDER BY s.bucket), array_agg(s.n ORDER BY s.bucket) FROM (
    SELECT pg_temp.halved(u.bucket) AS bucket, sum(u.n)::bigint AS n
    FROM unnest(d.buckets, d.counts) AS u(bucket, n) GROUP BY 1
  ) AS s
);
--> statement-breakpoint
UPDATE rum_vitals_hourly d SET (buckets, counts) = (
  SELECT array_agg(s.bucket ORDER BY s.bucket), array_agg(s.n ORDER BY s.bucket) FROM (
    SELECT pg_temp.halved(u.bucket) AS bucket, sum(u.n)::bigint AS n
    FROM unnest(d.buckets, d.counts) AS u(bucket, n) GROUP BY 1
  ) AS s
);
--> statement-breakpoint
SELECT set_config('app.retention', '', true);
--> statement-breakpoint
DROP FUNCTION pg_temp.halved(integer), pg_temp.halved(jsonb);
