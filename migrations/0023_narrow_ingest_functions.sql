-- One function per signal instead of app_execute_for_tenant(tenant, statement, argument) (issue 13,
-- item 3): the runtime role can no longer hand a function any SQL to run in a tenant's context,
-- only a batch of rows for one table. Each is SECURITY INVOKER like its predecessor: the INSERT runs
-- as the caller, under every RLS policy, in one round trip and its own transaction when sent alone
-- (the context is transaction-local and restored before returning). The bodies are the INSERTs
-- worker/src/otlp/store.ts used to send; re-sent rows hit the unique keys and are skipped, which is
-- what makes the queue consumer's retries store every row once. Logs and metric points have no ids:
-- their key is the md5 of the row's own content, computed as before so old and new rows dedup alike.
CREATE FUNCTION app_store_spans(tenant uuid, batch jsonb)
  RETURNS bigint
  LANGUAGE plpgsql VOLATILE
  SET search_path = pg_catalog, public, pg_temp
  AS $$
DECLARE
  previous text := current_setting('app.tenant_id', true);
  affected bigint;
BEGIN
  PERFORM set_config('app.tenant_id', tenant::text, true);
  INSERT INTO spans (tenant_id, trace_id, span_id, parent_span_id, start_time, duration_ns, service_name, name,
    kind, status_code, status_message, attributes, resource, scope, events, links, source)
  SELECT tenant, r.trace_id, r.span_id, r.parent_span_id, r.start_time, r.duration_ns, r.service_name, r.name,
    r.kind, r.status_code, r.status_message, r.attributes, r.resource, r.scope, r.events, r.links, r.source
  FROM jsonb_to_recordset(batch) AS r(trace_id text, span_id text, parent_span_id text, start_time timestamptz,
    duration_ns bigint, service_name text, name text, kind smallint, status_code smallint, status_message text,
    attributes jsonb, resource jsonb, scope jsonb, events jsonb, links jsonb, source text)
  ON CONFLICT DO NOTHING;
  GET DIAGNOSTICS affected = ROW_COUNT;
  PERFORM set_config('app.tenant_id', coalesce(previous, ''), true);
  RETURN affected;
END
$$;
--> statement-breakpoint
CREATE FUNCTION app_store_log_records(tenant uuid, batch jsonb)
  RETURNS bigint
  LANGUAGE plpgsql VOLATILE
  SET search_path = pg_catalog, public, pg_temp
  AS $$
DECLARE
  previous text := current_setting('app.tenant_id', true);
  affected bigint;
BEGIN
  PERFORM set_config('app.tenant_id', tenant::text, true);
  INSERT INTO log_records (tenant_id, record_key, time, observed_time, service_name, severity_number,
    severity_text, body, attributes, resource, scope, trace_id, span_id, event_name)
  SELECT tenant, md5(r::text), r.time, r.observed_time, r.service_name, r.severity_number,
    r.severity_text, r.body, r.attributes, r.resource, r.scope, r.trace_id, r.span_id, r.event_name
  FROM jsonb_to_recordset(batch) AS r(time timestamptz, observed_time timestamptz, service_name text,
    severity_number smallint, severity_text text, body text, attributes jsonb, resource jsonb, scope jsonb,
    trace_id text, span_id text, event_name text)
  ON CONFLICT DO NOTHING;
  GET DIAGNOSTICS affected = ROW_COUNT;
  PERFORM set_config('app.tenant_id', coalesce(previous, ''), true);
  RETURN affected;
END
$$;
--> statement-breakpoint
CREATE FUNCTION app_store_metric_points(tenant uuid, batch jsonb)
  RETURNS bigint
  LANGUAGE plpgsql VOLATILE
  SET search_path = pg_catalog, public, pg_temp
  AS $$
DECLARE
  previous text := current_setting('app.tenant_id', true);
  affected bigint;
BEGIN
  PERFORM set_config('app.tenant_id', tenant::text, true);
  INSERT INTO metric_points (tenant_id, point_key, time, start_time, service_name, name, unit, description,
    type, value, count, sum, min, max, bucket_counts, explicit_bounds, temporality, is_monotonic, attributes,
    resource)
  SELECT tenant, md5(r::text), r.time, r.start_time, r.service_name, r.name, r.unit, r.description,
    r.type, r.value, r.count, r.sum, r.min, r.max, r.bucket_counts, r.explicit_bounds, r.temporality,
    r.is_monotonic, r.attributes, r.resource
  FROM jsonb_to_recordset(batch) AS r(time timestamptz, start_time timestamptz, service_name text, name text,
    unit text, description text, type text, value double precision, count bigint, sum double precision,
    min double precision, max double precision, bucket_counts jsonb, explicit_bounds jsonb,
    temporality smallint, is_monotonic boolean, attributes jsonb, resource jsonb)
  ON CONFLICT DO NOTHING;
  GET DIAGNOSTICS affected = ROW_COUNT;
  PERFORM set_config('app.tenant_id', coalesce(previous, ''), true);
  RETURN affected;
END
$$;
--> statement-breakpoint
REVOKE ALL ON FUNCTION app_store_spans(uuid, jsonb), app_store_log_records(uuid, jsonb),
  app_store_metric_points(uuid, jsonb) FROM PUBLIC;
--> statement-breakpoint
GRANT EXECUTE ON FUNCTION app_store_spans(uuid, jsonb), app_store_log_records(uuid, jsonb),
  app_store_metric_points(uuid, jsonb) TO sightline_app;
--> statement-breakpoint
DROP FUNCTION app_execute_for_tenant(uuid, text, jsonb);
