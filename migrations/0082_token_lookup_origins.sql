-- 0063's token lookup, returning also the tenant's allowed browser origins, so a frontend token's
-- batch is admitted without a statement of its own (and, since the lookup runs on the token lookup
-- object's warm connection, without a connection of its own); a changed list applies to the very
-- next batch.
DROP FUNCTION app_authenticate_api_token_with_receipt(bytea, timestamptz, timestamptz, uuid);
--> statement-breakpoint
CREATE FUNCTION app_authenticate_api_token_with_receipt(
  presented bytea, checked_at timestamptz, touch_before timestamptz, receipt uuid
)
  RETURNS TABLE (
    id uuid, tenant_id uuid, type text, token_hash bytea,
    consent_required boolean, policy_version integer, receipt_withdrawn boolean,
    plan text, limits jsonb, route_patterns text[],
    browser_log_text boolean, allowed_origins text[]
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
      coalesce(tn.plan, 'free'), app_tenant_limits(found.tenant_id), coalesce(rp.patterns, '{}'),
      coalesce(tn.browser_log_text, false),
      -- Under the tenant's RLS context set above, like every other column.
      coalesce(
        (SELECT array_agg(o.origin ORDER BY o.origin) FROM tenant_origins o WHERE o.tenant_id = found.tenant_id),
        '{}'
      )
    FROM (SELECT 1) AS one
    LEFT JOIN consent_policies p ON p.tenant_id = found.tenant_id
    LEFT JOIN tenants tn ON tn.id = found.tenant_id
    LEFT JOIN rum_route_patterns rp ON rp.tenant_id = found.tenant_id;
  PERFORM set_config('app.tenant_id', coalesce(previous, ''), true);
END
$$;
--> statement-breakpoint
REVOKE ALL ON FUNCTION app_authenticate_api_token_with_receipt(bytea, timestamptz, timestamptz, uuid) FROM PUBLIC;
--> statement-breakpoint
GRANT EXECUTE ON FUNCTION app_authenticate_api_token_with_receipt(bytea, timestamptz, timestamptz, uuid) TO sightline_app;
