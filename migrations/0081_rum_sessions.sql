-- The Vitals drill-down's sessions of a route from a table of their own (docs/query.md "RUM"):
-- GET /rum/sessions grouped every rum_events row of the route in the range by session and sorted
-- the groups, so its cost grew with the traffic (at the scale bench's 10 M spans, 7 days of one
-- route: 136 ms, 4.4x its 100 k figure, and those events carried no session ids). Per tenant,
-- route, session and UTC hour, the session's first and last event there and its counts. The
-- drill-down walks rum_sessions_recent newest first and stops once it has the sessions it shows,
-- then sums just their rows: its cost follows its limit, not the traffic. Written by a statement
-- trigger of its own on rum_events, from the events actually inserted (a redelivered batch counts
-- once); partitioned by day and registered, so retention drops and trims it with the events.
CREATE TABLE "rum_sessions" (
	"tenant_id" uuid NOT NULL,
	"route" text NOT NULL,
	"session_id" uuid NOT NULL,
	"time" timestamp(6) with time zone NOT NULL,
	"first_time" timestamp(6) with time zone NOT NULL,
	"last_time" timestamp(6) with time zone NOT NULL,
	"page_views" integer NOT NULL,
	"vitals" integer NOT NULL,
	"poor_vitals" integer NOT NULL
) PARTITION BY RANGE (time);
--> statement-breakpoint
CREATE UNIQUE INDEX "rum_sessions_identity" ON "rum_sessions" USING btree ("tenant_id","route","session_id","time");
--> statement-breakpoint
CREATE INDEX "rum_sessions_recent" ON "rum_sessions" USING btree ("tenant_id","route","last_time");
--> statement-breakpoint
GRANT SELECT, INSERT, UPDATE ON rum_sessions TO sightline_app;
--> statement-breakpoint
ALTER TABLE rum_sessions ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE rum_sessions FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
CREATE POLICY tenant_isolation ON rum_sessions
  USING (tenant_id = app_tenant_id()) WITH CHECK (tenant_id = app_tenant_id());
--> statement-breakpoint
CREATE POLICY retention ON rum_sessions TO CURRENT_USER
  USING (app_retention_running()) WITH CHECK (app_retention_running());
--> statement-breakpoint
INSERT INTO partitioned_tables (parent, time_column) VALUES ('rum_sessions', 'time');
--> statement-breakpoint
-- The upsert of sessions' hour rows from a table of events, as text: the trigger runs it on the
-- events a statement inserted (its transition table), the backfill below on the events stored, so
-- the two cannot drift apart. In the key's order, as every rollup upsert (0038): two statements in
-- flight queue on a shared row.
CREATE FUNCTION rum_sessions_upsert(events text) RETURNS text
  LANGUAGE sql IMMUTABLE
  SET search_path = pg_catalog, public, pg_temp
AS $$
  SELECT format($q$
    INSERT INTO rum_sessions AS s (tenant_id, route, session_id, time, first_time, last_time, page_views,
      vitals, poor_vitals)
    SELECT tenant_id, route, session_id, date_bin('1 hour', time, timestamptz '2000-01-01 00:00:00+00'),
      min(time), max(time), count(*) FILTER (WHERE metric = 'page_view'),
      count(*) FILTER (WHERE metric <> 'page_view'), count(*) FILTER (WHERE rum_rating(metric, value) = 2)
    FROM %I
    WHERE session_id IS NOT NULL
    GROUP BY 1, 2, 3, 4
    ORDER BY 1, 2, 3, 4
    ON CONFLICT (tenant_id, route, session_id, time) DO UPDATE SET
      first_time = least(s.first_time, excluded.first_time),
      last_time = greatest(s.last_time, excluded.last_time),
      page_views = s.page_views + excluded.page_views,
      vitals = s.vitals + excluded.vitals,
      poor_vitals = s.poor_vitals + excluded.poor_vitals$q$, events)
$$;
--> statement-breakpoint
CREATE FUNCTION rum_sessions_add() RETURNS trigger
  LANGUAGE plpgsql SECURITY INVOKER
  SET search_path = pg_catalog, public, pg_temp
AS $$
BEGIN
  EXECUTE rum_sessions_upsert('new_events');
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE TRIGGER rum_events_sessions AFTER INSERT ON rum_events
  REFERENCING NEW TABLE AS new_events
  FOR EACH STATEMENT EXECUTE FUNCTION rum_sessions_add();
--> statement-breakpoint
-- The sessions of the events already stored. The migrations run in one transaction: holding
-- rum_events in SHARE mode until it commits, no insert is stored between this read and the
-- trigger's creation (it would be missing here), and none counted twice.
DO $$
BEGIN
  LOCK TABLE rum_events IN SHARE MODE;
  PERFORM set_config('app.retention', 'on', true);
  PERFORM partitions_ensure(greatest(least((SELECT min(time) FROM rum_events), now() - interval '31 days'),
    now() - interval '365 days'), now() + interval '8 days');
  EXECUTE rum_sessions_upsert('rum_events');
  PERFORM set_config('app.retention', '', true);
END $$;
