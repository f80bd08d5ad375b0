-- app_store_metric_points (0023) stores the exponential-histogram buckets and summary quantiles that
-- 0021 added to metric_points: the two migrations were written side by side, so 0023's body still
-- listed the columns before 0021. Same contract, same dedup key (md5 of the row as sent).
CREATE OR REPLACE FUNCTION app_store_metric_points(tenant uuid, batch jsonb)
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
    type, value, count, sum, min, max, bucket_counts, explicit_bounds, exponential_buckets, quantiles,
    temporality, is_monotonic, attributes, resource)
  SELECT tenant, md5(r::text), r.time, r.start_time, r.service_name, r.name, r.unit, r.description,
    r.type, r.value, r.count, r.sum, r.min, r.max, r.bucket_counts, r.explicit_bounds, r.exponential_buckets,
    r.quantiles, r.temporality, r.is_monotonic, r.attributes, r.resource
  FROM jsonb_to_recordset(batch) AS r(time timestamptz, start_time timestamptz, service_name text, name text,
    unit text, description text, type text, value double precision, count bigint, sum double precision,
    min double precision, max double precision, bucket_counts jsonb, explicit_bounds jsonb,
    exponential_buckets jsonb, quantiles jsonb, temporality smallint, is_monotonic boolean, attributes jsonb,
    resource jsonb)
  ON CONFLICT DO NOTHING;
  GET DIAGNOSTICS affected = ROW_COUNT;
  PERFORM set_config('app.tenant_id', coalesce(previous, ''), true);
  RETURN affected;
END
$$;
