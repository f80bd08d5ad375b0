-- Per-tenant rate limits as data (issue 11, "Also"): the operator's overrides of the plan's quota,
-- which were a code map (TENANT_OVERRIDES), changed by `npm run tenant:plan` (scripts/tenant-plan.ts)
-- and read by the limiter without a database round trip of their own: they ride along in the token
-- lookup (every /v1/* and token-authenticated API request) and in the session lookup (every tenant
-- route), the statements those requests send anyway (docs/rate-limiting.md). The table is the one
-- drizzle-kit generated from db/schema/tenant-limits.ts; grants, RLS and the functions are custom.
CREATE TABLE "tenant_limits" (
	"tenant_id" uuid NOT NULL,
	"surface" text NOT NULL,
	"quota" integer NOT NULL,
	"window_seconds" integer NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "tenant_limits_tenant_id_surface_pk" PRIMARY KEY("tenant_id","surface"),
	CONSTRAINT "tenant_limits_surface" CHECK ("tenant_limits"."surface" in ('ingest', 'api')),
	CONSTRAINT "tenant_limits_quota_range" CHECK ("tenant_limits"."quota" between 1 and 100000000),
	CONSTRAINT "tenant_limits_window_range" CHECK ("tenant_limits"."window_seconds" between 1 and 86400)
);
--> statement-breakpoint
ALTER TABLE "tenant_limits" ADD CONSTRAINT "tenant_limits_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE cascade ON UPDATE no action;
--> statement-breakpoint
-- Like telemetry_retention: read and written as the runtime role in the tenant's RLS scope (the
-- operator's script connects as that role), never across tenants; gone with the tenant (cascade).
GRANT SELECT, INSERT, UPDATE, DELETE ON tenant_limits TO sightline_app;
--> statement-breakpoint
ALTER TABLE tenant_limits ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE tenant_limits FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
CREATE POLICY tenant_isolation ON tenant_limits
  USING (tenant_id = app_tenant_id()) WITH CHECK (tenant_id = app_tenant_id());
--> statement-breakpoint
-- A tenant's limits as { surface: { quota, windowSeconds } } ({} without overrides), read under
-- the caller's RLS context. SECURITY INVOKER: it sees only what the caller's context allows.
CREATE FUNCTION app_tenant_limits(tenant uuid) RETURNS jsonb
  LANGUAGE sql STABLE
  SET search_path = pg_catalog, public, pg_temp
AS $$
  SELECT coalesce(jsonb_object_agg(l.surface, jsonb_build_object('quota', l.quota, 'windowSeconds', l.window_seconds)), '{}')
  FROM tenant_limits l WHERE l.tenant_id = tenant
$$;
--> statement-breakpoint
REVOKE ALL ON FUNCTION app_tenant_limits(uuid) FROM PUBLIC;
--> statement-breakpoint
GRANT EXECUTE ON FUNCTION app_tenant_limits(uuid) TO sightline_app;
--> statement-breakpoint
-- 0028's token lookup, returning also the token's tenant's plan and limits (one statement still).
DROP FUNCTION app_authenticate_api_token_with_receipt(bytea, timestamptz, timestamptz, uuid);
--> statement-breakpoint
CREATE FUNCTION app_authenticate_api_token_with_receipt(
  presented bytea, checked_at timestamptz, touch_before timestamptz, receipt uuid
)
  RETURNS TABLE (
    id uuid, tenant_id uuid, type text, token_hash bytea,
    consent_required boolean, policy_version integer, receipt_withdrawn boolean,
    plan text, limits jsonb
  )
  LANGUAGE plpgsql VOLATILE
  AS $$
#variable_conflict use_column
DECLARE
  found record;
  previous text := current_setting('app.tenant_id', true);
BEGIN
  SELECT t.id, t.tenant_id, t.type, t.token_hash INTO found
    FROM app_authenticate_api_token(presented, checked_at, touch_before) t;
  IF found.id IS NULL THEN
    RETURN;
  END IF;
  PERFORM set_config('app.tenant_id', found.tenant_id::text, true);
  RETURN QUERY
    SELECT found.id, found.tenant_id, found.type, found.token_hash,
      coalesce(p.required, true), coalesce(p.version, 1),
      receipt IS NOT NULL AND EXISTS (
        SELECT 1 FROM consent_events e
        WHERE e.tenant_id = found.tenant_id AND e.receipt_id = receipt AND e.choice = 'withdrawn'
      ),
      coalesce(tn.plan, 'free'), app_tenant_limits(found.tenant_id)
    FROM (SELECT 1) AS one
    LEFT JOIN consent_policies p ON p.tenant_id = found.tenant_id
    LEFT JOIN tenants tn ON tn.id = found.tenant_id;
  PERFORM set_config('app.tenant_id', coalesce(previous, ''), true);
END
$$;
--> statement-breakpoint
REVOKE ALL ON FUNCTION app_authenticate_api_token_with_receipt(bytea, timestamptz, timestamptz, uuid) FROM PUBLIC;
--> statement-breakpoint
GRANT EXECUTE ON FUNCTION app_authenticate_api_token_with_receipt(bytea, timestamptz, timestamptz, uuid) TO sightline_app;
--> statement-breakpoint
-- 0025's session lookup, returning also the path tenant's limits next to its plan.
DROP FUNCTION app_authenticate_session(bytea, timestamptz, timestamptz, timestamptz, uuid);
--> statement-breakpoint
CREATE FUNCTION app_authenticate_session(
  presented bytea, checked_at timestamptz, idle_since timestamptz, touch_before timestamptz, tenant uuid
)
  RETURNS TABLE (
    id uuid, user_id uuid, method text, created_at timestamptz, expires_at timestamptz,
    authenticated_at timestamptz, email text, name text, role text, plan text, limits jsonb
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
           m.role, t.plan, CASE WHEN m.role IS NULL THEN NULL ELSE app_tenant_limits(tenant) END
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
