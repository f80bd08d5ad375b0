-- Telemetry tables: the Worker's role may read, append and delete (retention) its tenant's rows,
-- never update them; row-level security binds it (FORCE: even a future owner-run job obeys it).
GRANT SELECT, INSERT, DELETE ON spans, log_records, metric_points TO sightline_app;
--> statement-breakpoint
ALTER TABLE spans ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE spans FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
CREATE POLICY tenant_isolation ON spans
  USING (tenant_id = app_tenant_id())
  WITH CHECK (tenant_id = app_tenant_id());
--> statement-breakpoint
ALTER TABLE log_records ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE log_records FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
CREATE POLICY tenant_isolation ON log_records
  USING (tenant_id = app_tenant_id())
  WITH CHECK (tenant_id = app_tenant_id());
--> statement-breakpoint
ALTER TABLE metric_points ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE metric_points FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
CREATE POLICY tenant_isolation ON metric_points
  USING (tenant_id = app_tenant_id())
  WITH CHECK (tenant_id = app_tenant_id());
