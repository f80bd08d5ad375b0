-- Privacy operations: grants and RLS for the privacy tables, and the retention purge functions.
--
-- The Worker's role (sightline_app) is bound by forced RLS and may only INSERT/SELECT audit rows.
-- Retention has to delete across tenants and pseudonymise audit rows, so it gets exactly five
-- narrow SECURITY DEFINER functions, owned by the migration (owner) role, each doing one bounded
-- purge and returning only a count. They:
--   * compute their own cutoff from the database clock: p_now is clamped to now(), so a caller can
--     replay the past (tests inject a clock) but never fast-forward time to purge what is not due;
--   * clamp the batch size (1..1000 accounts, 1..10000 rows), so a run is always bounded;
--   * pin search_path to pg_catalog, public (no shadowing through a caller's schema);
--   * are executable by sightline_app only (EXECUTE revoked from PUBLIC).
-- The owner role is bound by forced RLS too. The retention policies below let it see and delete
-- rows only while app.retention = 'on', which only these functions set (transaction-local, and
-- cleared again before they return; a SET clause on the function would need superuser for a
-- custom parameter). The policies apply to the owner role alone: sightline_app setting
-- app.retention gains nothing.
GRANT SELECT, INSERT, DELETE ON account_deletions TO sightline_app;
--> statement-breakpoint
GRANT SELECT, INSERT, UPDATE, DELETE ON telemetry_retention TO sightline_app;
--> statement-breakpoint
ALTER TABLE telemetry_retention ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE telemetry_retention FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
CREATE POLICY tenant_isolation ON telemetry_retention
  USING (tenant_id = app_tenant_id()) WITH CHECK (tenant_id = app_tenant_id());
--> statement-breakpoint
CREATE FUNCTION app_retention_running() RETURNS boolean
  LANGUAGE sql STABLE PARALLEL SAFE
  AS $$ SELECT coalesce(current_setting('app.retention', true) = 'on', false) $$;
--> statement-breakpoint
CREATE POLICY retention ON tenants TO CURRENT_USER
  USING (app_retention_running()) WITH CHECK (app_retention_running());
--> statement-breakpoint
CREATE POLICY retention ON memberships TO CURRENT_USER
  USING (app_retention_running()) WITH CHECK (app_retention_running());
--> statement-breakpoint
CREATE POLICY retention ON invitations TO CURRENT_USER
  USING (app_retention_running()) WITH CHECK (app_retention_running());
--> statement-breakpoint
CREATE POLICY retention ON api_tokens TO CURRENT_USER
  USING (app_retention_running()) WITH CHECK (app_retention_running());
--> statement-breakpoint
CREATE POLICY retention ON audit_events TO CURRENT_USER
  USING (app_retention_running()) WITH CHECK (app_retention_running());
--> statement-breakpoint
CREATE POLICY retention ON telemetry_retention TO CURRENT_USER
  USING (app_retention_running()) WITH CHECK (app_retention_running());
--> statement-breakpoint
CREATE POLICY retention ON spans TO CURRENT_USER
  USING (app_retention_running()) WITH CHECK (app_retention_running());
--> statement-breakpoint
CREATE POLICY retention ON log_records TO CURRENT_USER
  USING (app_retention_running()) WITH CHECK (app_retention_running());
--> statement-breakpoint
CREATE POLICY retention ON metric_points TO CURRENT_USER
  USING (app_retention_running()) WITH CHECK (app_retention_running());
--> statement-breakpoint
-- The export (GET /api/account/export) runs in the user's context (app.user_id): besides their own
-- memberships it must see invitations addressed to their email, in any tenant.
CREATE POLICY invitations_for_invitee ON invitations FOR SELECT
  USING (email = (SELECT u.email FROM users u WHERE u.id = app_user_id()));
--> statement-breakpoint
-- The audit purge walks by time; the export and the account purge look spans up by enduser.id.
CREATE INDEX audit_events_occurred_at_idx ON audit_events (occurred_at);
--> statement-breakpoint
CREATE INDEX spans_enduser_id_idx ON spans ((attributes->>'enduser.id'))
  WHERE (attributes->>'enduser.id') IS NOT NULL;
--> statement-breakpoint
-- Accounts whose deletion was requested more than 30 days ago: audit rows about them are kept
-- with the user id replaced by a random pseudonym (the same one for all of that user's rows) and
-- their email replaced by "erased"; tenants where they were the only member are deleted (their
-- telemetry is then purged by retention_purge_telemetry as orphaned); invitations addressed to
-- them and dashboard telemetry stamped with their enduser.id are deleted; deleting the user row
-- cascades to passkeys, TOTP, recovery codes, sessions, challenges and memberships, and sets
-- api_tokens.created_by / invitations.invited_by to NULL.
CREATE FUNCTION retention_purge_deleted_accounts(p_now timestamptz, p_limit integer) RETURNS integer
  LANGUAGE plpgsql SECURITY DEFINER
  SET search_path = pg_catalog, public
AS $$
DECLARE
  v_due timestamptz := least(p_now, now()) - interval '30 days';
  v_user record;
  v_pseudonym uuid;
  v_count integer := 0;
BEGIN
  PERFORM set_config('app.retention', 'on', true);
  FOR v_user IN
    SELECT d.user_id, u.email FROM account_deletions d JOIN users u ON u.id = d.user_id
    WHERE d.requested_at < v_due
    ORDER BY d.requested_at
    LIMIT least(greatest(p_limit, 1), 1000)
    FOR UPDATE OF d, u SKIP LOCKED
  LOOP
    v_pseudonym := gen_random_uuid();
    UPDATE audit_events SET
      actor_user_id = CASE WHEN actor_user_id = v_user.user_id THEN v_pseudonym ELSE actor_user_id END,
      details = replace(replace(details::text, v_user.user_id::text, v_pseudonym::text),
                        v_user.email, 'erased')::jsonb
    WHERE actor_user_id = v_user.user_id
       OR strpos(details::text, v_user.user_id::text) > 0
       OR strpos(details::text, v_user.email) > 0;
    DELETE FROM tenants t
    WHERE EXISTS (SELECT 1 FROM memberships m WHERE m.tenant_id = t.id AND m.user_id = v_user.user_id)
      AND NOT EXISTS (SELECT 1 FROM memberships m WHERE m.tenant_id = t.id AND m.user_id <> v_user.user_id);
    DELETE FROM invitations WHERE email = v_user.email;
    DELETE FROM spans WHERE (attributes->>'enduser.id') = v_user.user_id::text;
    DELETE FROM users WHERE id = v_user.user_id;
    v_count := v_count + 1;
  END LOOP;
  PERFORM set_config('app.retention', '', true);
  RETURN v_count;
END $$;
--> statement-breakpoint
CREATE FUNCTION retention_purge_expired_api_tokens(p_now timestamptz, p_limit integer) RETURNS integer
  LANGUAGE plpgsql SECURITY DEFINER
  SET search_path = pg_catalog, public
AS $$
DECLARE
  v_count integer;
BEGIN
  PERFORM set_config('app.retention', 'on', true);
  WITH due AS (
    SELECT id FROM api_tokens
    WHERE expires_at < least(p_now, now()) - interval '90 days'
    LIMIT least(greatest(p_limit, 1), 10000)
    FOR UPDATE SKIP LOCKED
  )
  DELETE FROM api_tokens t USING due WHERE t.id = due.id;
  GET DIAGNOSTICS v_count = ROW_COUNT;
  PERFORM set_config('app.retention', '', true);
  RETURN v_count;
END $$;
--> statement-breakpoint
CREATE FUNCTION retention_purge_audit_events(p_now timestamptz, p_limit integer) RETURNS integer
  LANGUAGE plpgsql SECURITY DEFINER
  SET search_path = pg_catalog, public
AS $$
DECLARE
  v_count integer;
BEGIN
  PERFORM set_config('app.retention', 'on', true);
  WITH due AS (
    SELECT id FROM audit_events
    WHERE occurred_at < least(p_now, now()) - interval '365 days'
    ORDER BY occurred_at
    LIMIT least(greatest(p_limit, 1), 10000)
    FOR UPDATE SKIP LOCKED
  )
  DELETE FROM audit_events a USING due WHERE a.id = due.id;
  GET DIAGNOSTICS v_count = ROW_COUNT;
  PERFORM set_config('app.retention', '', true);
  RETURN v_count;
END $$;
--> statement-breakpoint
CREATE FUNCTION retention_purge_expired_invitations(p_now timestamptz, p_limit integer) RETURNS integer
  LANGUAGE plpgsql SECURITY DEFINER
  SET search_path = pg_catalog, public
AS $$
DECLARE
  v_count integer;
BEGIN
  PERFORM set_config('app.retention', 'on', true);
  WITH due AS (
    SELECT id FROM invitations
    WHERE expires_at < least(p_now, now())
    LIMIT least(greatest(p_limit, 1), 10000)
    FOR UPDATE SKIP LOCKED
  )
  DELETE FROM invitations i USING due WHERE i.id = due.id;
  GET DIAGNOSTICS v_count = ROW_COUNT;
  PERFORM set_config('app.retention', '', true);
  RETURN v_count;
END $$;
--> statement-breakpoint
-- Per tenant and table: free plan 7 days, paid plans telemetry_retention.days (30–365, default
-- 30), a tenant that no longer exists 0 days. Tenants are enumerated from the telemetry tables'
-- (tenant_id, time) indexes one index probe at a time (a loose index scan), so orphaned rows are
-- found too; each delete is an index range scan bounded by what is left of the batch.
CREATE FUNCTION retention_purge_telemetry(p_now timestamptz, p_limit integer) RETURNS integer
  LANGUAGE plpgsql SECURITY DEFINER
  SET search_path = pg_catalog, public
AS $$
DECLARE
  v_now timestamptz := least(p_now, now());
  v_budget integer := least(greatest(p_limit, 1), 10000);
  v_table record;
  v_after uuid;
  v_tenant uuid;
  v_days integer;
  v_deleted integer;
  v_total integer := 0;
BEGIN
  PERFORM set_config('app.retention', 'on', true);
  FOR v_table IN
    SELECT * FROM (VALUES ('spans', 'start_time'), ('log_records', 'time'), ('metric_points', 'time'))
      AS t(name, time_column)
  LOOP
    v_after := '00000000-0000-0000-0000-000000000000';
    LOOP
      EXIT WHEN v_total >= v_budget;
      EXECUTE format('SELECT tenant_id FROM %I WHERE tenant_id > $1 ORDER BY tenant_id LIMIT 1', v_table.name)
        INTO v_tenant USING v_after;
      EXIT WHEN v_tenant IS NULL;
      v_after := v_tenant;
      SELECT CASE WHEN t.id IS NULL THEN 0 WHEN t.plan = 'free' THEN 7 ELSE coalesce(r.days, 30) END
        INTO v_days
        FROM (SELECT v_tenant AS id) x
        LEFT JOIN tenants t ON t.id = x.id
        LEFT JOIN telemetry_retention r ON r.tenant_id = x.id;
      EXECUTE format(
        'DELETE FROM %1$I WHERE ctid = ANY(ARRAY(
           SELECT ctid FROM %1$I WHERE tenant_id = $1 AND %2$I < $2 LIMIT $3 FOR UPDATE SKIP LOCKED))',
        v_table.name, v_table.time_column)
        USING v_tenant, v_now - make_interval(days => v_days), v_budget - v_total;
      GET DIAGNOSTICS v_deleted = ROW_COUNT;
      v_total := v_total + v_deleted;
    END LOOP;
  END LOOP;
  PERFORM set_config('app.retention', '', true);
  RETURN v_total;
END $$;
--> statement-breakpoint
REVOKE EXECUTE ON FUNCTION
  retention_purge_deleted_accounts(timestamptz, integer),
  retention_purge_expired_api_tokens(timestamptz, integer),
  retention_purge_audit_events(timestamptz, integer),
  retention_purge_expired_invitations(timestamptz, integer),
  retention_purge_telemetry(timestamptz, integer)
  FROM PUBLIC;
--> statement-breakpoint
GRANT EXECUTE ON FUNCTION
  retention_purge_deleted_accounts(timestamptz, integer),
  retention_purge_expired_api_tokens(timestamptz, integer),
  retention_purge_audit_events(timestamptz, integer),
  retention_purge_expired_invitations(timestamptz, integer),
  retention_purge_telemetry(timestamptz, integer)
  TO sightline_app;
