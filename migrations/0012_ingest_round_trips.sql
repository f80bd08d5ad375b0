-- Fewer round trips on the ingest path (docs/ingest.md, "Round-trip budget"). A PL/pgSQL function
-- runs its statements in order, so it can set a transaction-local RLS context (set_config(..., true))
-- and then run a statement under it, all in ONE round trip and without BEGIN/COMMIT around it: sent
-- alone, the call is its own transaction and the context ends with it (the functions also restore the
-- previous value, so they leave nothing behind inside a larger transaction). Both are SECURITY
-- INVOKER: the statements inside run as the caller, under every RLS policy, exactly as if they were
-- sent one by one; the functions grant the runtime role nothing it could not already do.
--
-- The API-token lookup: the presented token's hash makes exactly its row visible (api_tokens_by_hash);
-- the hourly last_used_at refresh rides along (api_tokens_touch_by_hash).
CREATE FUNCTION app_authenticate_api_token(presented bytea, checked_at timestamptz, touch_before timestamptz)
  RETURNS TABLE (id uuid, tenant_id uuid, type text, token_hash bytea)
  LANGUAGE plpgsql VOLATILE
  AS $$
#variable_conflict use_column
DECLARE
  previous text := current_setting('app.lookup_hash', true);
BEGIN
  PERFORM set_config('app.lookup_hash', encode(presented, 'hex'), true);
  RETURN QUERY
    WITH found AS (
      SELECT t.id, t.tenant_id, t.type, t.token_hash FROM api_tokens t
      WHERE t.token_hash = presented AND (t.expires_at IS NULL OR t.expires_at > checked_at)
    ), touched AS (
      UPDATE api_tokens t SET last_used_at = checked_at
      WHERE t.id = (SELECT f.id FROM found f) AND (t.last_used_at IS NULL OR t.last_used_at < touch_before)
    )
    SELECT f.id, f.tenant_id, f.type, f.token_hash FROM found f;
  PERFORM set_config('app.lookup_hash', coalesce(previous, ''), true);
END
$$;
--> statement-breakpoint
REVOKE ALL ON FUNCTION app_authenticate_api_token(bytea, timestamptz, timestamptz) FROM PUBLIC;
--> statement-breakpoint
GRANT EXECUTE ON FUNCTION app_authenticate_api_token(bytea, timestamptz, timestamptz) TO sightline_app;
--> statement-breakpoint
-- One statement of the caller's in the tenant's RLS context: $1 is the tenant, $2 a jsonb argument
-- (an ingest batch); answers the statement's row count. The statement text is the caller's own
-- constant SQL (worker/src/otlp/store.ts), never user input.
CREATE FUNCTION app_execute_for_tenant(tenant uuid, statement text, argument jsonb)
  RETURNS bigint
  LANGUAGE plpgsql VOLATILE
  AS $$
DECLARE
  previous text := current_setting('app.tenant_id', true);
  affected bigint;
BEGIN
  PERFORM set_config('app.tenant_id', tenant::text, true);
  EXECUTE statement USING tenant, argument;
  GET DIAGNOSTICS affected = ROW_COUNT;
  PERFORM set_config('app.tenant_id', coalesce(previous, ''), true);
  RETURN affected;
END
$$;
--> statement-breakpoint
REVOKE ALL ON FUNCTION app_execute_for_tenant(uuid, text, jsonb) FROM PUBLIC;
--> statement-breakpoint
GRANT EXECUTE ON FUNCTION app_execute_for_tenant(uuid, text, jsonb) TO sightline_app;
