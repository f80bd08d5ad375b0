-- Consent receipts: grants, RLS, the receipt-aware token lookup and the consent-record purge.
--
-- Tenants that existed before receipts keep ingesting as before (enforcement off, policy version 1);
-- a tenant without a row (every tenant created from now on) enforces receipts (schema/consent.ts).
INSERT INTO consent_policies (tenant_id, required) SELECT id, false FROM tenants;
--> statement-breakpoint
-- The consent log is proof: append-only for the Worker (no UPDATE or DELETE); retention purges it
-- through the owner-run function below. Policies change only in these columns.
GRANT SELECT, INSERT ON consent_events TO sightline_app;
--> statement-breakpoint
GRANT SELECT, INSERT ON consent_policies TO sightline_app;
--> statement-breakpoint
GRANT UPDATE (required, version, policy_hash, updated_at) ON consent_policies TO sightline_app;
--> statement-breakpoint
GRANT SELECT, INSERT ON consent_refusals TO sightline_app;
--> statement-breakpoint
GRANT UPDATE (batches) ON consent_refusals TO sightline_app;
--> statement-breakpoint
ALTER TABLE consent_policies ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE consent_policies FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE consent_events ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE consent_events FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE consent_refusals ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE consent_refusals FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
CREATE POLICY tenant_isolation ON consent_policies
  USING (tenant_id = app_tenant_id()) WITH CHECK (tenant_id = app_tenant_id());
--> statement-breakpoint
CREATE POLICY tenant_isolation ON consent_events
  USING (tenant_id = app_tenant_id()) WITH CHECK (tenant_id = app_tenant_id());
--> statement-breakpoint
CREATE POLICY tenant_isolation ON consent_refusals
  USING (tenant_id = app_tenant_id()) WITH CHECK (tenant_id = app_tenant_id());
--> statement-breakpoint
CREATE POLICY retention ON consent_policies TO CURRENT_USER
  USING (app_retention_running()) WITH CHECK (app_retention_running());
--> statement-breakpoint
CREATE POLICY retention ON consent_events TO CURRENT_USER
  USING (app_retention_running()) WITH CHECK (app_retention_running());
--> statement-breakpoint
CREATE POLICY retention ON consent_refusals TO CURRENT_USER
  USING (app_retention_running()) WITH CHECK (app_retention_running());
--> statement-breakpoint
-- The token lookup of browser ingest, with what the consent check needs, in the same single round
-- trip (docs/ingest.md, "Round-trip budget"): the token as app_authenticate_api_token finds it, then,
-- in the token's tenant context, its consent policy (no row: required, version 1) and whether the
-- presented receipt (NULL: none) was withdrawn. SECURITY INVOKER like the function it calls: every
-- statement runs under the caller's RLS policies; the previous tenant context is restored.
CREATE FUNCTION app_authenticate_api_token_with_receipt(
  presented bytea, checked_at timestamptz, touch_before timestamptz, receipt uuid
)
  RETURNS TABLE (
    id uuid, tenant_id uuid, type text, token_hash bytea,
    consent_required boolean, policy_version integer, receipt_withdrawn boolean
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
      )
    FROM (SELECT 1) AS one
    LEFT JOIN consent_policies p ON p.tenant_id = found.tenant_id;
  PERFORM set_config('app.tenant_id', coalesce(previous, ''), true);
END
$$;
--> statement-breakpoint
REVOKE ALL ON FUNCTION app_authenticate_api_token_with_receipt(bytea, timestamptz, timestamptz, uuid) FROM PUBLIC;
--> statement-breakpoint
GRANT EXECUTE ON FUNCTION app_authenticate_api_token_with_receipt(bytea, timestamptz, timestamptz, uuid) TO sightline_app;
--> statement-breakpoint
-- Consent events and refusal counts older than 395 days (worker/src/retention/policy.ts:
-- consentRecordDays), in one bounded batch, like the other purges of migrations/0009_privacy_rls.sql.
CREATE FUNCTION retention_purge_consent_records(p_now timestamptz, p_limit integer) RETURNS integer
  LANGUAGE plpgsql SECURITY DEFINER
  SET search_path = pg_catalog, public
AS $$
DECLARE
  v_cutoff timestamptz := least(p_now, now()) - interval '395 days';
  v_budget integer := least(greatest(p_limit, 1), 10000);
  v_events integer;
  v_days integer;
BEGIN
  PERFORM set_config('app.retention', 'on', true);
  WITH due AS (
    SELECT id FROM consent_events
    WHERE occurred_at < v_cutoff
    ORDER BY occurred_at
    LIMIT v_budget
    FOR UPDATE SKIP LOCKED
  )
  DELETE FROM consent_events e USING due WHERE e.id = due.id;
  GET DIAGNOSTICS v_events = ROW_COUNT;
  DELETE FROM consent_refusals WHERE day < v_cutoff::date;
  GET DIAGNOSTICS v_days = ROW_COUNT;
  PERFORM set_config('app.retention', '', true);
  RETURN v_events + v_days;
END $$;
--> statement-breakpoint
REVOKE EXECUTE ON FUNCTION retention_purge_consent_records(timestamptz, integer) FROM PUBLIC;
--> statement-breakpoint
GRANT EXECUTE ON FUNCTION retention_purge_consent_records(timestamptz, integer) TO sightline_app;
