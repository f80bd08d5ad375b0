-- The Worker connects as sightline_app: it owns no tables, is not superuser and has no BYPASSRLS,
-- so row-level security binds it. Migrations run as the owner role. On Neon, give the role a
-- password afterwards (README: Deploying); locally db/local/postgres.ts creates it with one.
DO $$ BEGIN
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'sightline_app') THEN
    CREATE ROLE sightline_app NOLOGIN NOSUPERUSER NOBYPASSRLS NOCREATEDB NOCREATEROLE;
  END IF;
END $$;
--> statement-breakpoint
REVOKE ALL ON SCHEMA public FROM PUBLIC;
--> statement-breakpoint
GRANT USAGE ON SCHEMA public TO sightline_app;
--> statement-breakpoint
-- The tenant of the current transaction, or NULL when none is set: every policy compares with it,
-- and a comparison with NULL is never true, so "no tenant" means "no rows".
CREATE FUNCTION app_tenant_id() RETURNS uuid
  LANGUAGE sql STABLE PARALLEL SAFE
  AS $$ SELECT nullif(current_setting('app.tenant_id', true), '')::uuid $$;
--> statement-breakpoint
GRANT EXECUTE ON FUNCTION app_tenant_id() TO sightline_app;
--> statement-breakpoint
GRANT SELECT, INSERT, UPDATE, DELETE ON tenants TO sightline_app;
--> statement-breakpoint
ALTER TABLE tenants ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE tenants FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
CREATE POLICY tenant_isolation ON tenants
  USING (id = app_tenant_id())
  WITH CHECK (id = app_tenant_id());
