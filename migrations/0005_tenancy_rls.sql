-- Tenancy tables are tenant-owned: RLS enabled and FORCED, every policy compares with a
-- transaction-local setting (set_config(..., true), see db/tenant-scope.ts and db/tenancy-scope.ts).
-- Besides the tenant itself, three narrow contexts make single rows visible without a tenant:
--   app.user_id      the signed-in user sees their own memberships and the tenants they belong to;
--   app.lookup_hash  the SHA-256 of a presented secret (API token, invitation) finds exactly that row;
--   app.origin       a CORS preflight (which carries no token) learns whether any tenant allows it.
-- Retention (expired tokens and invitations) is the privacy migrations' owner-run purge functions.
CREATE FUNCTION app_lookup_hash() RETURNS bytea
  LANGUAGE sql STABLE PARALLEL SAFE
  AS $$ SELECT decode(nullif(current_setting('app.lookup_hash', true), ''), 'hex') $$;
--> statement-breakpoint
GRANT EXECUTE ON FUNCTION app_lookup_hash() TO sightline_app;
--> statement-breakpoint
CREATE FUNCTION app_origin() RETURNS text
  LANGUAGE sql STABLE PARALLEL SAFE
  AS $$ SELECT nullif(current_setting('app.origin', true), '') $$;
--> statement-breakpoint
GRANT EXECUTE ON FUNCTION app_origin() TO sightline_app;
--> statement-breakpoint
-- Least privilege per table. Column-level UPDATE grants: a membership can only change its role and
-- a token only its last-used time, so no code path can move a row to another tenant.
GRANT SELECT, INSERT, DELETE ON memberships, invitations, api_tokens, tenant_origins TO sightline_app;
--> statement-breakpoint
GRANT UPDATE (role) ON memberships TO sightline_app;
--> statement-breakpoint
GRANT UPDATE (last_used_at) ON api_tokens TO sightline_app;
--> statement-breakpoint
ALTER TABLE memberships ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE memberships FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE invitations ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE invitations FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE api_tokens ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE api_tokens FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE tenant_origins ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE tenant_origins FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
CREATE POLICY tenant_isolation ON memberships
  USING (tenant_id = app_tenant_id()) WITH CHECK (tenant_id = app_tenant_id());
--> statement-breakpoint
CREATE POLICY tenant_isolation ON invitations
  USING (tenant_id = app_tenant_id()) WITH CHECK (tenant_id = app_tenant_id());
--> statement-breakpoint
CREATE POLICY tenant_isolation ON api_tokens
  USING (tenant_id = app_tenant_id()) WITH CHECK (tenant_id = app_tenant_id());
--> statement-breakpoint
CREATE POLICY tenant_isolation ON tenant_origins
  USING (tenant_id = app_tenant_id()) WITH CHECK (tenant_id = app_tenant_id());
--> statement-breakpoint
-- "My tenants": read-only, and only the user's own rows.
CREATE POLICY memberships_of_user ON memberships FOR SELECT
  USING (user_id = app_user_id());
--> statement-breakpoint
CREATE POLICY tenants_of_member ON tenants FOR SELECT
  USING (EXISTS (SELECT 1 FROM memberships m WHERE m.tenant_id = tenants.id AND m.user_id = app_user_id()));
--> statement-breakpoint
-- Token authentication: the presented token's hash finds its row (and may refresh last_used_at, the
-- only updatable column); nothing else is visible in that context.
CREATE POLICY api_tokens_by_hash ON api_tokens FOR SELECT
  USING (token_hash = app_lookup_hash());
--> statement-breakpoint
CREATE POLICY api_tokens_touch_by_hash ON api_tokens FOR UPDATE
  USING (token_hash = app_lookup_hash()) WITH CHECK (token_hash = app_lookup_hash());
--> statement-breakpoint
CREATE POLICY invitations_by_hash ON invitations FOR SELECT
  USING (token_hash = app_lookup_hash());
--> statement-breakpoint
CREATE POLICY tenant_origins_by_origin ON tenant_origins FOR SELECT
  USING (origin = app_origin());
