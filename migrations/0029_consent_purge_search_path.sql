-- retention_purge_consent_records (0028) was written beside 0026, which puts pg_temp last in every
-- SECURITY DEFINER function's search path so that a session's temporary tables cannot shadow the
-- tables it purges. The consent purge gets the same path.
ALTER FUNCTION retention_purge_consent_records(timestamptz, integer) SET search_path = pg_catalog, public, pg_temp;
