-- The metric picker's rollup (docs/query.md "Metrics", docs/ingest.md "Metric name hours"): GET
-- /metrics listed a range's names by a skip scan of metric_points' (tenant, name, time) index,
-- two probes per name per day partition, each one deeper as the points grow (22 ms at 100 k
-- spans, 37 ms at 10 M in the scale bench). metric_name_hours keeps, per tenant, hour and name,
-- the first and the last point's time and the last point's unit and type: a week is names x 168
-- rows, whatever the traffic. The query reads them, and the points only for a name whose newest
-- hour also holds points outside the range (worker/src/query/metrics.ts, listMetricNames).
--
-- Written by metric_points' statement trigger (0075), from the points actually inserted and under
-- its per-(tenant, metric) locks, so two writers of a name take turns on its rows. Partitioned by
-- day like metric_points: the Cron creates partitions ahead, retention drops or trims them.
CREATE TABLE "metric_name_hours" (
	"tenant_id" uuid NOT NULL,
	"time" timestamp(6) with time zone NOT NULL,
	"name" text NOT NULL,
	"first_time" timestamp(6) with time zone NOT NULL,
	"last_time" timestamp(6) with time zone NOT NULL,
	"unit" text,
	"type" text NOT NULL
) PARTITION BY RANGE (time);
--> statement-breakpoint
CREATE UNIQUE INDEX "metric_name_hours_identity" ON "metric_name_hours" USING btree ("tenant_id","time","name");
--> statement-breakpoint
SELECT telemetry_table_secure('metric_name_hours', 'time');
--> statement-breakpoint
-- Adds a statement's points to their hours: first and last time widen, the unit and type follow
-- the newest point. SECURITY INVOKER: the inserting role, under its RLS scope. Sorted by the
-- unique key, so the rows are locked in one order.
CREATE FUNCTION metric_name_hours_add(p_tenants uuid[], p_names text[], p_times timestamptz[],
  p_units text[], p_types text[]) RETURNS void
  LANGUAGE sql SECURITY INVOKER
  SET search_path = pg_catalog, public, pg_temp
AS $$
  INSERT INTO metric_name_hours AS h (tenant_id, time, name, first_time, last_time, unit, type)
  SELECT tenant_id, date_bin('1 hour', time, timestamptz '2000-01-01 00:00:00+00'), name, min(time), max(time),
    (array_agg(unit ORDER BY time DESC, type, unit))[1], (array_agg(type ORDER BY time DESC, type, unit))[1]
  FROM unnest(p_tenants, p_names, p_times, p_units, p_types) AS p(tenant_id, name, time, unit, type)
  GROUP BY 1, 2, 3
  ORDER BY 1, 2, 3
  ON CONFLICT (tenant_id, time, name) DO UPDATE SET
    first_time = least(h.first_time, excluded.first_time),
    last_time = greatest(h.last_time, excluded.last_time),
    unit = CASE WHEN excluded.last_time > h.last_time THEN excluded.unit ELSE h.unit END,
    type = CASE WHEN excluded.last_time > h.last_time THEN excluded.type ELSE h.type END
$$;
--> statement-breakpoint
REVOKE ALL ON FUNCTION metric_name_hours_add(uuid[], text[], timestamptz[], text[], text[]) FROM PUBLIC;
--> statement-breakpoint
GRANT EXECUTE ON FUNCTION metric_name_hours_add(uuid[], text[], timestamptz[], text[], text[]) TO sightline_app;
--> statement-breakpoint
-- 0075's trigger, now adding the name hours too, after the locks it takes.
CREATE OR REPLACE FUNCTION metric_rollups_add() RETURNS trigger
  LANGUAGE plpgsql SECURITY INVOKER
  SET search_path = pg_catalog, public, pg_temp
AS $$
BEGIN
  PERFORM pg_advisory_xact_lock(k)
  FROM (SELECT DISTINCT hashtextextended(tenant_id::text || '/' || name, 71) AS k FROM new_points) AS keys
  ORDER BY k;
  PERFORM CASE WHEN distribution
      THEN metric_histogram_rollups_rebuild(array_agg(tenant_id), array_agg(name), array_agg(minute))
      ELSE metric_rollups_rebuild(array_agg(tenant_id), array_agg(name), array_agg(minute)) END
  FROM (
    SELECT DISTINCT type NOT IN ('gauge', 'sum') AS distribution, tenant_id, name,
      date_bin('1 minute', time, timestamptz '2000-01-01 00:00:00+00') AS minute
    FROM new_points
  ) AS touched
  GROUP BY distribution;
  PERFORM metric_name_hours_add(array_agg(tenant_id), array_agg(name), array_agg(time), array_agg(unit), array_agg(type))
  FROM new_points
  HAVING count(*) > 0;
  RETURN NULL;
END $$;
--> statement-breakpoint
-- The hours of the points already stored, in partitions for their days: one tenant's hour at a
-- time, so the arrays hold an hour's points, never the whole table's.
DO $$
DECLARE
  v_hour record;
BEGIN
  PERFORM set_config('app.retention', 'on', true);
  PERFORM partitions_ensure(greatest(least((SELECT min(time) FROM metric_points), now() - interval '31 days'),
    now() - interval '365 days'), now() + interval '8 days');
  FOR v_hour IN
    SELECT DISTINCT tenant_id, date_bin('1 hour', time, timestamptz '2000-01-01 00:00:00+00') AS start FROM metric_points
  LOOP
    PERFORM metric_name_hours_add(array_agg(tenant_id), array_agg(name), array_agg(time), array_agg(unit), array_agg(type))
    FROM metric_points
    WHERE tenant_id = v_hour.tenant_id AND time >= v_hour.start AND time < v_hour.start + interval '1 hour';
  END LOOP;
  PERFORM set_config('app.retention', '', true);
END $$;
