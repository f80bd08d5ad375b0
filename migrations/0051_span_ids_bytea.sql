-- Trace and span ids as bytes (issue 11, item 2: <= 500 bytes per backend span, indexes included;
-- docs/ingest.md "Storage"). As hex text a span carried 33 + 17 + 17 bytes of ids in its row and
-- 50 in its identity index entry; as bytea 17 + 9 + 9 and 26 (the root indexes, which end in
-- span_id, 8 bytes less each). The API is unchanged: ids are hex strings in JSON both ways, the
-- queries encode/decode (worker/src/query/traces.ts), and hex order is byte order, so the traces
-- list's (start_time, span_id) order and its cursors are what they were. One ALTER rewrites every
-- partition once (the existing rows are converted; the indexes are rebuilt), which takes an
-- exclusive lock on spans for its duration: minutes at tens of millions of spans, while the queue
-- holds what arrives (docs/ingest.md, "Buffered ingest"). Mapping validated every stored id as hex
-- of the exact length (docs/ingest.md, "Mapping and validation"), so decode cannot fail.
ALTER TABLE "spans"
  ALTER COLUMN "trace_id" SET DATA TYPE bytea USING decode("trace_id", 'hex'),
  ALTER COLUMN "span_id" SET DATA TYPE bytea USING decode("span_id", 'hex'),
  ALTER COLUMN "parent_span_id" SET DATA TYPE bytea USING decode("parent_span_id", 'hex');
--> statement-breakpoint
-- 0036's store function, converting the batch's hex ids (the JSON rows keep the OTLP JSON's hex).
CREATE OR REPLACE FUNCTION app_store_spans(tenant uuid, batch jsonb)
  RETURNS bigint
  LANGUAGE plpgsql VOLATILE
  SET search_path = pg_catalog, public, pg_temp
  AS $$
DECLARE
  previous text := current_setting('app.tenant_id', true);
  affected bigint;
BEGIN
  PERFORM set_config('app.tenant_id', tenant::text, true);
  WITH input AS (
    SELECT r.*,
      CASE WHEN r.name = 'browser.page_view' THEN 'page_view'
        WHEN r.name = 'browser.web_vital' AND jsonb_typeof(r.attributes->'browser.web_vital.value') = 'number'
          AND upper(r.attributes->>'browser.web_vital.name') IN ('LCP', 'FCP', 'CLS', 'INP', 'TTFB')
          THEN upper(r.attributes->>'browser.web_vital.name') END AS rum_metric
    FROM jsonb_to_recordset(batch) AS r(trace_id text, span_id text, parent_span_id text, start_time timestamptz,
      duration_ns bigint, service_name text, name text, kind smallint, status_code smallint, status_message text,
      attributes jsonb, resource jsonb, scope jsonb, events jsonb, links jsonb, source text)
  ),
  events AS (
    INSERT INTO rum_events (tenant_id, time, event_id, session_id, metric, value, route, device, network, country,
      colo, target)
    SELECT tenant, i.start_time, ('x' || i.span_id)::bit(64)::bigint, rum_session_id(i.resource->>'session.id'),
      i.rum_metric, CASE WHEN i.rum_metric <> 'page_view' THEN (i.attributes->>'browser.web_vital.value')::float8 END,
      coalesce(i.attributes->>'url.template', i.attributes->>'url.path', 'unknown'),
      rum_device_class(i.resource, i.attributes), rum_network_class(i.resource, i.attributes),
      coalesce(i.attributes->>'cloud.region', 'unknown'), coalesce(i.attributes->>'cloudflare.colo', 'unknown'),
      i.attributes->>'browser.web_vital.target'
    FROM input i WHERE i.rum_metric IS NOT NULL
    ON CONFLICT DO NOTHING
    RETURNING metric
  ),
  stored AS (
    INSERT INTO spans (tenant_id, trace_id, span_id, parent_span_id, start_time, duration_ns, service_name, name,
      kind, status_code, status_message, attributes, resource, scope, events, links, source)
    SELECT tenant, decode(i.trace_id, 'hex'), decode(i.span_id, 'hex'), decode(i.parent_span_id, 'hex'),
      i.start_time, i.duration_ns, i.service_name, i.name,
      i.kind, i.status_code, i.status_message, i.attributes, i.resource, i.scope, i.events, i.links, i.source
    FROM input i WHERE i.rum_metric IS NULL OR i.rum_metric = 'page_view'
    ON CONFLICT DO NOTHING
    RETURNING 1
  )
  SELECT (SELECT count(*) FROM stored) + (SELECT count(*) FROM events WHERE metric <> 'page_view') INTO affected;
  PERFORM set_config('app.tenant_id', coalesce(previous, ''), true);
  RETURN affected;
END
$$;
