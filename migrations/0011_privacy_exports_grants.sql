-- Account-level like sessions (no tenant, no RLS): the Worker records which fresh authentication an
-- export used. No UPDATE: a grant is spent once; rows go with their session (ON DELETE CASCADE).
GRANT SELECT, INSERT ON account_exports TO sightline_app;
