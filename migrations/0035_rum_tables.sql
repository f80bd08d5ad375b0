CREATE TABLE "rum_events" (
	"tenant_id" uuid NOT NULL,
	"time" timestamp(6) with time zone NOT NULL,
	"event_id" bigint NOT NULL,
	"session_id" uuid,
	"metric" text NOT NULL,
	"value" real,
	"route" text NOT NULL,
	"device" text NOT NULL,
	"network" text NOT NULL,
	"country" text NOT NULL,
	"colo" text NOT NULL,
	"target" text
);
--> statement-breakpoint
CREATE TABLE "rum_rollups" (
	"tenant_id" uuid NOT NULL,
	"time" timestamp(6) with time zone NOT NULL,
	"route" text NOT NULL,
	"metric" text NOT NULL,
	"device" text NOT NULL,
	"network" text NOT NULL,
	"country" text NOT NULL,
	"colo" text NOT NULL,
	"count" bigint NOT NULL,
	"good" bigint NOT NULL,
	"poor" bigint NOT NULL,
	"sketch" jsonb
);
--> statement-breakpoint
CREATE TABLE "rum_route_patterns" (
	"tenant_id" uuid PRIMARY KEY NOT NULL,
	"patterns" text[] NOT NULL
);
--> statement-breakpoint
ALTER TABLE "rum_route_patterns" ADD CONSTRAINT "rum_route_patterns_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "rum_events_identity" ON "rum_events" USING btree ("tenant_id","time","event_id");--> statement-breakpoint
CREATE UNIQUE INDEX "rum_rollups_identity" ON "rum_rollups" USING btree ("tenant_id","time","metric","route","device","network","country","colo");--> statement-breakpoint
-- Tenant-owned like the telemetry tables: RLS enabled and forced, the usual tenant policy, and
-- the runtime role may read, append and (retention, the settings API) delete; rollups are also
-- updated in place by the store functions' upserts. Events are never updated.
GRANT SELECT, INSERT, DELETE ON rum_events TO sightline_app;
--> statement-breakpoint
GRANT SELECT, INSERT, UPDATE, DELETE ON rum_rollups TO sightline_app;
--> statement-breakpoint
GRANT SELECT, INSERT, UPDATE, DELETE ON rum_route_patterns TO sightline_app;
--> statement-breakpoint
ALTER TABLE rum_events ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE rum_events FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE rum_rollups ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE rum_rollups FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE rum_route_patterns ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE rum_route_patterns FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
CREATE POLICY tenant_isolation ON rum_events
  USING (tenant_id = app_tenant_id()) WITH CHECK (tenant_id = app_tenant_id());
--> statement-breakpoint
CREATE POLICY tenant_isolation ON rum_rollups
  USING (tenant_id = app_tenant_id()) WITH CHECK (tenant_id = app_tenant_id());
--> statement-breakpoint
CREATE POLICY tenant_isolation ON rum_route_patterns
  USING (tenant_id = app_tenant_id()) WITH CHECK (tenant_id = app_tenant_id());
--> statement-breakpoint
-- The retention purge (SECURITY DEFINER, owner role) sees and deletes rows only while it runs.
CREATE POLICY retention ON rum_events TO CURRENT_USER
  USING (app_retention_running()) WITH CHECK (app_retention_running());
--> statement-breakpoint
CREATE POLICY retention ON rum_rollups TO CURRENT_USER
  USING (app_retention_running()) WITH CHECK (app_retention_running());
--> statement-breakpoint
CREATE POLICY retention ON rum_route_patterns TO CURRENT_USER
  USING (app_retention_running()) WITH CHECK (app_retention_running());
