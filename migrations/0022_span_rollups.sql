-- The services overview's rollup (docs/query.md, "Services overview"): entry spans per tenant,
-- minute, service and span name, with their error count and a mergeable duration sketch. A
-- statement-level AFTER INSERT trigger with a transition table maintains it, so whatever code
-- inserts spans (the ingest function today, a queue consumer tomorrow) and whatever their table
-- becomes (a statement-level trigger on a partitioned parent sees the rows of every partition) the
-- rollup follows. Rows skipped by ON CONFLICT DO NOTHING are not in the transition table: a retried
-- batch is counted once. The trigger runs as the inserting role under the same RLS policies.
CREATE TABLE "span_rollups" (
	"tenant_id" uuid NOT NULL,
	"minute" timestamp(6) with time zone NOT NULL,
	"service_name" text NOT NULL,
	"span_name" text NOT NULL,
	"span_count" bigint NOT NULL,
	"error_count" bigint NOT NULL,
	"duration_sketch" jsonb NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX "span_rollups_identity" ON "span_rollups" USING btree ("tenant_id","minute","service_name","span_name");
--> statement-breakpoint
GRANT SELECT, INSERT, UPDATE ON span_rollups TO sightline_app;
--> statement-breakpoint
ALTER TABLE span_rollups ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE span_rollups FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
CREATE POLICY tenant_isolation ON span_rollups
  USING (tenant_id = app_tenant_id())
  WITH CHECK (tenant_id = app_tenant_id());
--> statement-breakpoint
-- Two sketches ({ bucket index: count }) added bucket by bucket.
CREATE FUNCTION span_sketch_merge(a jsonb, b jsonb) RETURNS jsonb
  LANGUAGE sql IMMUTABLE PARALLEL SAFE
  SET search_path = pg_catalog, public
  AS $$
    SELECT coalesce(jsonb_object_agg(key, total), '{}'::jsonb)
    FROM (
      SELECT key, sum(value::bigint) AS total
      FROM (SELECT * FROM jsonb_each_text(a) UNION ALL SELECT * FROM jsonb_each_text(b)) AS entries
      GROUP BY key
    ) AS sums
  $$;
--> statement-breakpoint
-- Entry spans are roots and server (2) or consumer (5) spans sent by backends; browser spans have
-- their own RUM views. A duration's bucket is ceil(ln(ms) / ln(1.1)), durations under 1 µs count as
-- 1 µs (the same rule as worker/src/query/duration-sketch.ts). Minutes are UTC (date_bin on an
-- absolute origin does not depend on the session's time zone).
CREATE FUNCTION span_rollups_add() RETURNS trigger
  LANGUAGE plpgsql SECURITY INVOKER
  SET search_path = pg_catalog, public
  AS $$
BEGIN
  INSERT INTO span_rollups AS r (tenant_id, minute, service_name, span_name, span_count, error_count, duration_sketch)
  SELECT tenant_id, minute, service_name, name, sum(n), sum(errors), jsonb_object_agg(bucket, n)
  FROM (
    SELECT tenant_id, date_bin('1 minute', start_time, timestamptz '2000-01-01 00:00:00+00') AS minute,
      service_name, name, ceil(ln(greatest(duration_ns, 1000)::float8 / 1e6) / ln(1.1))::int AS bucket,
      count(*) AS n, count(*) FILTER (WHERE status_code = 2) AS errors
    FROM new_spans
    WHERE source = 'backend' AND (parent_span_id IS NULL OR kind IN (2, 5))
    GROUP BY 1, 2, 3, 4, 5
  ) AS buckets
  GROUP BY tenant_id, minute, service_name, name
  ON CONFLICT (tenant_id, minute, service_name, span_name) DO UPDATE SET
    span_count = r.span_count + excluded.span_count,
    error_count = r.error_count + excluded.error_count,
    duration_sketch = span_sketch_merge(r.duration_sketch, excluded.duration_sketch);
  RETURN NULL;
END
$$;
--> statement-breakpoint
REVOKE ALL ON FUNCTION span_sketch_merge(jsonb, jsonb), span_rollups_add() FROM PUBLIC;
--> statement-breakpoint
GRANT EXECUTE ON FUNCTION span_sketch_merge(jsonb, jsonb), span_rollups_add() TO sightline_app;
--> statement-breakpoint
CREATE TRIGGER spans_rollup AFTER INSERT ON spans
  REFERENCING NEW TABLE AS new_spans
  FOR EACH STATEMENT EXECUTE FUNCTION span_rollups_add();
