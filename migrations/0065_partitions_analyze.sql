-- Statistics for a day partition as soon as it holds rows (docs/ingest.md "Partitions").
--
-- A day partition is created empty a week ahead, so it has no statistics when its day starts, and
-- the planner guesses (seen as bad plans for about a minute after a burst into new partitions)
-- until autovacuum analyses it: its threshold is 50 changed rows, checked every minute
-- (autovacuum_naptime). The daily run is now at 00:05 UTC (worker/src/scheduled.ts), minutes into
-- the new day: partitions_analyze_new analyses every partition covering the last day that holds
-- rows and was never analysed, by anyone. In the steady state autovacuum has done it already and
-- this is one catalog query; it matters when autovacuum is behind or off, and after a backfill
-- into many days. An ANALYZE samples at most 300 × default_statistics_target rows whatever the
-- partition's size, and takes a lock that does not block inserts. Analysing at creation would be
-- useless (an empty table's statistics say nothing).
CREATE FUNCTION partitions_analyze_new(p_now timestamptz) RETURNS integer
  LANGUAGE plpgsql
  SET search_path = pg_catalog, public, pg_temp
AS $$
DECLARE
  v_partition regclass;
  v_analyzed integer := 0;
BEGIN
  FOR v_partition IN
    SELECT i.inhrelid::regclass
    FROM partitioned_tables t
    JOIN pg_inherits i ON i.inhparent = t.parent::regclass
    JOIN pg_stat_all_tables s ON s.relid = i.inhrelid
    WHERE s.last_analyze IS NULL AND s.last_autoanalyze IS NULL AND s.n_mod_since_analyze > 0
      AND (partition_bounds(i.inhrelid)).lower_bound <= p_now
      AND (partition_bounds(i.inhrelid)).upper_bound > p_now - interval '1 day'
  LOOP
    EXECUTE format('ANALYZE %s', v_partition);
    v_analyzed := v_analyzed + 1;
  END LOOP;
  RETURN v_analyzed;
END $$;
--> statement-breakpoint
REVOKE ALL ON FUNCTION partitions_analyze_new(timestamptz) FROM PUBLIC;
--> statement-breakpoint
-- 0040's function, and then the new partitions' statistics. Still answers partitions created +
-- dropped (an ANALYZE changes no partition).
CREATE OR REPLACE FUNCTION telemetry_partitions_maintain(p_now timestamptz) RETURNS integer
  LANGUAGE plpgsql SECURITY DEFINER
  SET search_path = pg_catalog, public, pg_temp
AS $$
DECLARE
  v_now timestamptz := least(p_now, now());
  v_changed integer;
BEGIN
  -- One run at a time: two would race to create (or drop) the same partition.
  PERFORM pg_advisory_xact_lock(hashtext('telemetry_partitions_maintain'));
  v_changed := partitions_ensure(v_now, v_now + interval '8 days')
    + partitions_drop_before(v_now - interval '365 days');
  PERFORM partitions_analyze_new(v_now);
  RETURN v_changed;
END $$;
