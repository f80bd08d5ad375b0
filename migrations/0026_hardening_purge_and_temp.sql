-- Hardening the retention purge functions (docs/privacy-operations.md "Hardening").
--
-- 1. The deleted-account purge pseudonymised audit rows by editing their text
--    (replace(details::text, email, 'erased')::jsonb): an email holding a quote made the cast fail
--    and stopped the nightly purge for every account, and an email that is a substring of another
--    rewrote other people's rows. It now walks the jsonb structure and replaces whole string values
--    equal to the user id or the email, nothing else.
-- 2. SECURITY DEFINER functions put pg_temp last in search_path: otherwise pg_temp is searched
--    first, and a session that may create temporary tables could shadow the tables they use.
-- 3. TEMPORARY is revoked from PUBLIC on this database (Neon grants it to PUBLIC by default):
--    the Worker's role has no need for temporary objects.
CREATE FUNCTION retention_replace_json_value(p_doc jsonb, p_from jsonb, p_to jsonb) RETURNS jsonb
  LANGUAGE plpgsql IMMUTABLE
  SET search_path = pg_catalog, public, pg_temp
AS $$
BEGIN
  CASE jsonb_typeof(p_doc)
    WHEN 'object' THEN
      RETURN coalesce(
        (SELECT jsonb_object_agg(e.key, public.retention_replace_json_value(e.value, p_from, p_to))
           FROM jsonb_each(p_doc) AS e),
        '{}'::jsonb);
    WHEN 'array' THEN
      RETURN coalesce(
        (SELECT jsonb_agg(public.retention_replace_json_value(e.value, p_from, p_to) ORDER BY e.ord)
           FROM jsonb_array_elements(p_doc) WITH ORDINALITY AS e(value, ord)),
        '[]'::jsonb);
    ELSE
      RETURN CASE WHEN p_doc = p_from THEN p_to ELSE p_doc END;
  END CASE;
END $$;
--> statement-breakpoint
REVOKE ALL ON FUNCTION retention_replace_json_value(jsonb, jsonb, jsonb) FROM PUBLIC;
--> statement-breakpoint
CREATE OR REPLACE FUNCTION retention_purge_deleted_accounts(p_now timestamptz, p_limit integer) RETURNS integer
  LANGUAGE plpgsql SECURITY DEFINER
  SET search_path = pg_catalog, public, pg_temp
AS $$
DECLARE
  v_due timestamptz := least(p_now, now()) - interval '30 days';
  v_user record;
  v_pseudonym uuid;
  v_user_value jsonb;
  v_email_value jsonb;
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
    v_user_value := to_jsonb(v_user.user_id::text);
    v_email_value := to_jsonb(v_user.email);
    UPDATE audit_events SET
      actor_user_id = CASE WHEN actor_user_id = v_user.user_id THEN v_pseudonym ELSE actor_user_id END,
      details = retention_replace_json_value(
        retention_replace_json_value(details, v_user_value, to_jsonb(v_pseudonym::text)),
        v_email_value, '"erased"'::jsonb)
    WHERE actor_user_id = v_user.user_id
       OR jsonb_path_exists(details, '$.** ? (@ == $v)', jsonb_build_object('v', v_user_value))
       OR jsonb_path_exists(details, '$.** ? (@ == $v)', jsonb_build_object('v', v_email_value));
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
ALTER FUNCTION retention_purge_expired_api_tokens(timestamptz, integer) SET search_path = pg_catalog, public, pg_temp;
--> statement-breakpoint
ALTER FUNCTION retention_purge_audit_events(timestamptz, integer) SET search_path = pg_catalog, public, pg_temp;
--> statement-breakpoint
ALTER FUNCTION retention_purge_expired_invitations(timestamptz, integer) SET search_path = pg_catalog, public, pg_temp;
--> statement-breakpoint
ALTER FUNCTION retention_purge_telemetry(timestamptz, integer) SET search_path = pg_catalog, public, pg_temp;
--> statement-breakpoint
DO $$ BEGIN
  EXECUTE format('REVOKE TEMPORARY ON DATABASE %I FROM PUBLIC', current_database());
END $$;
