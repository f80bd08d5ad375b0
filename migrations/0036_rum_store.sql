-- RUM events and their rollups, written by the store functions (docs/ingest.md "RUM storage").
--
-- Page views and Web Vitals become rum_events rows in the same statement that stores the batch:
-- Sightline SDK spans (browser.page_view, browser.web_vital) in app_store_spans, OpenTelemetry
-- `browser.web_vital` log events in app_store_log_records. A statement-level AFTER INSERT trigger
-- with a transition table adds the events actually inserted to the hourly rum_rollups, so a
-- redelivered batch, whose events hit the unique key (ON CONFLICT DO NOTHING), is counted once —
-- the rule span_rollups follows (0022), and it keeps working once rum_events is partitioned.
-- Web-vital spans are stored only as events (not also as spans): a jsonb span per vital was most
-- of the spans table. Page views stay in spans too (the traces list and drill-down show them).
--
-- The dimensions are computed here from what the edge left in the rows: the route (url.template,
-- set by worker/src/otlp/route-template.ts from the tenant's patterns), the device class
-- (browser.mobile), the network class (network.connection.effective_type), the country and colo
-- (cloud.region, cloudflare.colo, added at the edge). Missing → 'unknown'.

-- The sketch bucket of a value: ceil(ln(v) / ln(1.02)), 'z' for zero (CLS is often 0). The same
-- rule as worker/src/query/vital-sketch.ts (tests/worker/rum-rollups.test.ts compares them).
CREATE FUNCTION rum_sketch_bucket(v double precision) RETURNS text
  LANGUAGE sql IMMUTABLE PARALLEL SAFE
  SET search_path = pg_catalog, public, pg_temp
  AS $$ SELECT CASE WHEN v < 1e-6 THEN 'z' ELSE ceil(ln(v) / ln(1.02))::int::text END $$;
--> statement-breakpoint
-- web.dev thresholds (worker/src/query/rum.ts VITAL_THRESHOLDS; compared by the same test):
-- 0 good (≤ good), 1 needs improvement, 2 poor (> poor); null for page views.
CREATE FUNCTION rum_rating(metric text, v double precision) RETURNS smallint
  LANGUAGE sql IMMUTABLE PARALLEL SAFE
  SET search_path = pg_catalog, public, pg_temp
  AS $$
    SELECT CASE WHEN v <= t.good THEN 0 WHEN v <= t.poor THEN 1 ELSE 2 END::smallint
    FROM (VALUES ('LCP', 2500, 4000), ('FCP', 1800, 3000), ('CLS', 0.1, 0.25), ('INP', 200, 500),
      ('TTFB', 800, 1800)) AS t(metric, good, poor)
    WHERE t.metric = rum_rating.metric
  $$;
--> statement-breakpoint
-- A session id is stored only when it is a UUID (the SDK's); anything else would be free text.
CREATE FUNCTION rum_session_id(id text) RETURNS uuid
  LANGUAGE sql IMMUTABLE PARALLEL SAFE
  SET search_path = pg_catalog, public, pg_temp
  AS $$ SELECT CASE WHEN id ~* '^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$' THEN id::uuid END $$;
--> statement-breakpoint
CREATE FUNCTION rum_device_class(resource jsonb, attributes jsonb) RETURNS text
  LANGUAGE sql IMMUTABLE PARALLEL SAFE
  SET search_path = pg_catalog, public, pg_temp
  AS $$
    SELECT CASE coalesce(attributes->>'browser.mobile', resource->>'browser.mobile')
      WHEN 'true' THEN 'mobile' WHEN 'false' THEN 'desktop' ELSE 'unknown' END
  $$;
--> statement-breakpoint
CREATE FUNCTION rum_network_class(resource jsonb, attributes jsonb) RETURNS text
  LANGUAGE sql IMMUTABLE PARALLEL SAFE
  SET search_path = pg_catalog, public, pg_temp
  AS $$
    SELECT CASE WHEN v IN ('slow-2g', '2g', '3g', '4g') THEN v ELSE 'unknown' END
    FROM (SELECT coalesce(attributes->>'network.connection.effective_type',
      resource->>'network.connection.effective_type') AS v) AS n
  $$;
--> statement-breakpoint
CREATE FUNCTION rum_rollups_add() RETURNS trigger
  LANGUAGE plpgsql SECURITY INVOKER
  SET search_path = pg_catalog, public, pg_temp
  AS $$
BEGIN
  INSERT INTO rum_rollups AS r (tenant_id, time, route, metric, device, network, country, colo, count, good, poor, sketch)
  SELECT tenant_id, hour, route, metric, device, network, country, colo, sum(n), sum(good), sum(poor),
    CASE WHEN metric = 'page_view' THEN NULL ELSE jsonb_object_agg(bucket, n) END
  FROM (
    SELECT tenant_id, date_bin('1 hour', time, timestamptz '2000-01-01 00:00:00+00') AS hour, route, metric,
      device, network, country, CASE WHEN metric = 'page_view' THEN colo ELSE '' END AS colo,
      coalesce(rum_sketch_bucket(value), '') AS bucket, count(*) AS n,
      count(*) FILTER (WHERE rum_rating(metric, value) = 0) AS good,
      count(*) FILTER (WHERE rum_rating(metric, value) = 2) AS poor
    FROM new_events
    GROUP BY 1, 2, 3, 4, 5, 6, 7, 8, 9
  ) AS buckets
  GROUP BY tenant_id, hour, route, metric, device, network, country, colo
  ON CONFLICT (tenant_id, time, metric, route, device, network, country, colo) DO UPDATE SET
    count = r.count + excluded.count,
    good = r.good + excluded.good,
    poor = r.poor + excluded.poor,
    sketch = CASE WHEN r.sketch IS NULL THEN NULL ELSE span_sketch_merge(r.sketch, excluded.sketch) END;
  RETURN NULL;
END
$$;
--> statement-breakpoint
CREATE TRIGGER rum_events_rollup AFTER INSERT ON rum_events
  REFERENCING NEW TABLE AS new_events
  FOR EACH STATEMENT EXECUTE FUNCTION rum_rollups_add();
--> statement-breakpoint
-- Returns the rows stored (spans + web-vital events), as before: the consumer logs the rest as
-- duplicates.
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
    SELECT tenant, i.trace_id, i.span_id, i.parent_span_id, i.start_time, i.duration_ns, i.service_name, i.name,
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
--> statement-breakpoint
-- OpenTelemetry's web-vitals instrumentation sends each vital as a `browser.web_vital` log event
-- (lower-case names, value, delta, id, navigation_type): stored as a log record as before, and as
-- a RUM event keyed by a hash of the record, so the Vitals views count it next to SDK spans.
CREATE OR REPLACE FUNCTION app_store_log_records(tenant uuid, batch jsonb)
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
    SELECT md5(r::text) AS record_key, r.*,
      CASE WHEN coalesce(r.event_name, r.attributes->>'event.name') = 'browser.web_vital'
          AND jsonb_typeof(r.attributes->'browser.web_vital.value') = 'number'
          AND upper(r.attributes->>'browser.web_vital.name') IN ('LCP', 'FCP', 'CLS', 'INP', 'TTFB')
        THEN upper(r.attributes->>'browser.web_vital.name') END AS rum_metric
    FROM jsonb_to_recordset(batch) AS r(time timestamptz, observed_time timestamptz, service_name text,
      severity_number smallint, severity_text text, body text, attributes jsonb, resource jsonb, scope jsonb,
      trace_id text, span_id text, event_name text)
  ),
  events AS (
    INSERT INTO rum_events (tenant_id, time, event_id, session_id, metric, value, route, device, network, country,
      colo, target)
    SELECT tenant, i.time, ('x' || left(i.record_key, 16))::bit(64)::bigint, rum_session_id(i.resource->>'session.id'),
      i.rum_metric, (i.attributes->>'browser.web_vital.value')::float8,
      coalesce(i.attributes->>'url.template', i.attributes->>'url.path', 'unknown'),
      rum_device_class(i.resource, i.attributes), rum_network_class(i.resource, i.attributes),
      coalesce(i.attributes->>'cloud.region', 'unknown'), coalesce(i.attributes->>'cloudflare.colo', 'unknown'),
      i.attributes->>'browser.web_vital.target'
    FROM input i WHERE i.rum_metric IS NOT NULL
    ON CONFLICT DO NOTHING
  )
  INSERT INTO log_records (tenant_id, record_key, time, observed_time, service_name, severity_number,
    severity_text, body, attributes, resource, scope, trace_id, span_id, event_name)
  SELECT tenant, i.record_key, i.time, i.observed_time, i.service_name, i.severity_number,
    i.severity_text, i.body, i.attributes, i.resource, i.scope, i.trace_id, i.span_id, i.event_name
  FROM input i
  ON CONFLICT DO NOTHING;
  GET DIAGNOSTICS affected = ROW_COUNT;
  PERFORM set_config('app.tenant_id', coalesce(previous, ''), true);
  RETURN affected;
END
$$;
--> statement-breakpoint
REVOKE ALL ON FUNCTION rum_sketch_bucket(double precision), rum_rating(text, double precision),
  rum_session_id(text), rum_device_class(jsonb, jsonb), rum_network_class(jsonb, jsonb), rum_rollups_add()
  FROM PUBLIC;
--> statement-breakpoint
GRANT EXECUTE ON FUNCTION rum_sketch_bucket(double precision), rum_rating(text, double precision),
  rum_session_id(text), rum_device_class(jsonb, jsonb), rum_network_class(jsonb, jsonb), rum_rollups_add()
  TO sightline_app;
--> statement-breakpoint
-- The nightly purge covers the RUM tables with the same per-tenant windows (0009's function, with
-- two more tables; both keep their time in `time`).
CREATE OR REPLACE FUNCTION retention_purge_telemetry(p_now timestamptz, p_limit integer) RETURNS integer
  LANGUAGE plpgsql SECURITY DEFINER
  SET search_path = pg_catalog, public, pg_temp
AS $$
DECLARE
  v_now timestamptz := least(p_now, now());
  v_budget integer := least(greatest(p_limit, 1), 10000);
  v_table record;
  v_after uuid;
  v_tenant uuid;
  v_days integer;
  v_deleted integer;
  v_total integer := 0;
BEGIN
  PERFORM set_config('app.retention', 'on', true);
  FOR v_table IN
    SELECT * FROM (VALUES ('spans', 'start_time'), ('log_records', 'time'), ('metric_points', 'time'),
      ('rum_events', 'time'), ('rum_rollups', 'time')) AS t(name, time_column)
  LOOP
    v_after := '00000000-0000-0000-0000-000000000000';
    LOOP
      EXIT WHEN v_total >= v_budget;
      EXECUTE format('SELECT tenant_id FROM %I WHERE tenant_id > $1 ORDER BY tenant_id LIMIT 1', v_table.name)
        INTO v_tenant USING v_after;
      EXIT WHEN v_tenant IS NULL;
      v_after := v_tenant;
      SELECT CASE WHEN t.id IS NULL THEN 0 WHEN t.plan = 'free' THEN 7 ELSE coalesce(r.days, 30) END
        INTO v_days
        FROM (SELECT v_tenant AS id) x
        LEFT JOIN tenants t ON t.id = x.id
        LEFT JOIN telemetry_retention r ON r.tenant_id = x.id;
      EXECUTE format(
        'DELETE FROM %1$I WHERE ctid = ANY(ARRAY(
           SELECT ctid FROM %1$I WHERE tenant_id = $1 AND %2$I < $2 LIMIT $3 FOR UPDATE SKIP LOCKED))',
        v_table.name, v_table.time_column)
        USING v_tenant, v_now - make_interval(days => v_days), v_budget - v_total;
      GET DIAGNOSTICS v_deleted = ROW_COUNT;
      v_total := v_total + v_deleted;
    END LOOP;
  END LOOP;
  PERFORM set_config('app.retention', '', true);
  RETURN v_total;
END $$;
