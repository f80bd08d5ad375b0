-- The session check of every signed-in request in ONE statement (docs/round-trips.md): the cookie's
-- token hash finds the live session and its user (the hourly last_seen_at refresh rides along), and,
-- when the request's path names a tenant, the caller's membership there (role) and the tenant's plan.
-- Memberships are tenant-isolated, so the function sets the path's tenant as the transaction-local
-- RLS context for its own statement and restores the previous value afterwards (the pattern of
-- app_authenticate_api_token, migration 0012): sent alone, the call is its own transaction. It is
-- SECURITY INVOKER: everything inside runs as the caller, under every RLS policy; only the caller's
-- own membership row can join (m.user_id = the session's user).
CREATE FUNCTION app_authenticate_session(
  presented bytea, checked_at timestamptz, idle_since timestamptz, touch_before timestamptz, tenant uuid
)
  RETURNS TABLE (
    id uuid, user_id uuid, method text, created_at timestamptz, expires_at timestamptz,
    authenticated_at timestamptz, email text, name text, role text, plan text
  )
  LANGUAGE plpgsql VOLATILE
  AS $$
#variable_conflict use_column
DECLARE
  previous text := current_setting('app.tenant_id', true);
BEGIN
  PERFORM set_config('app.tenant_id', coalesce(tenant::text, ''), true);
  RETURN QUERY
    WITH found AS (
      SELECT s.id, s.user_id, s.method, s.created_at, s.expires_at, s.authenticated_at, u.email, u.name
      FROM sessions s JOIN users u ON u.id = s.user_id
      WHERE s.token_hash = presented AND s.expires_at > checked_at AND s.last_seen_at > idle_since
        AND u.disabled_at IS NULL
    ), touched AS (
      UPDATE sessions s SET last_seen_at = checked_at
      WHERE s.id = (SELECT f.id FROM found f) AND s.last_seen_at < touch_before
    )
    SELECT f.id, f.user_id, f.method, f.created_at, f.expires_at, f.authenticated_at, f.email, f.name,
           m.role, t.plan
    FROM found f
    LEFT JOIN memberships m ON tenant IS NOT NULL AND m.tenant_id = tenant AND m.user_id = f.user_id
    LEFT JOIN tenants t ON t.id = m.tenant_id;
  PERFORM set_config('app.tenant_id', coalesce(previous, ''), true);
END
$$;
--> statement-breakpoint
REVOKE ALL ON FUNCTION app_authenticate_session(bytea, timestamptz, timestamptz, timestamptz, uuid) FROM PUBLIC;
--> statement-breakpoint
GRANT EXECUTE ON FUNCTION app_authenticate_session(bytea, timestamptz, timestamptz, timestamptz, uuid) TO sightline_app;
