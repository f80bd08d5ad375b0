-- Account tables have no tenant: the Worker reaches them as sightline_app after authenticating the
-- request itself (cookie → session → user). Explicit grants, least privilege per table.
GRANT SELECT, INSERT, UPDATE, DELETE ON users, passkeys, sessions, webauthn_challenges, totp_credentials, recovery_codes TO sightline_app;
--> statement-breakpoint
GRANT SELECT, INSERT, DELETE ON sign_in_failures TO sightline_app;
--> statement-breakpoint
GRANT USAGE ON SEQUENCE sign_in_failures_id_seq TO sightline_app;
--> statement-breakpoint
-- The user a transaction acts for (db/user-scope.ts), or NULL: account-level audit events are
-- readable only by their own user.
CREATE FUNCTION app_user_id() RETURNS uuid
  LANGUAGE sql STABLE PARALLEL SAFE
  AS $$ SELECT nullif(current_setting('app.user_id', true), '')::uuid $$;
--> statement-breakpoint
GRANT EXECUTE ON FUNCTION app_user_id() TO sightline_app;
--> statement-breakpoint
-- Append-only: no UPDATE or DELETE for the app role (retention purges run as the owner).
GRANT SELECT, INSERT ON audit_events TO sightline_app;
--> statement-breakpoint
GRANT USAGE ON SEQUENCE audit_events_id_seq TO sightline_app;
--> statement-breakpoint
ALTER TABLE audit_events ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE audit_events FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
-- A tenant's events are visible inside that tenant's transaction; account-level events (no tenant)
-- only inside their own user's transaction. Nothing is visible without a context.
CREATE POLICY audit_events_read ON audit_events FOR SELECT
  USING (
    (tenant_id IS NOT NULL AND tenant_id = app_tenant_id())
    OR (tenant_id IS NULL AND actor_user_id = app_user_id())
  );
--> statement-breakpoint
-- Anyone may append an account-level event (sign-in failures happen before anyone is known);
-- a tenant event only for the tenant of the transaction.
CREATE POLICY audit_events_append ON audit_events FOR INSERT
  WITH CHECK (tenant_id IS NULL OR tenant_id = app_tenant_id());
