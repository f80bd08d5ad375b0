-- Email tables are account-level (no tenant): the Worker reaches them as sightline_app after it
-- has authenticated the request itself, like users and sessions. Least privilege per table:
-- a verification can only be marked used, an outbox row only advance through its delivery states.
GRANT SELECT, INSERT, DELETE ON email_verifications TO sightline_app;
--> statement-breakpoint
GRANT UPDATE (used_at) ON email_verifications TO sightline_app;
--> statement-breakpoint
GRANT SELECT, INSERT, DELETE ON email_outbox TO sightline_app;
--> statement-breakpoint
GRANT UPDATE (payload, attempts, next_attempt_at, sent_at, message_id, failed_at, last_error) ON email_outbox TO sightline_app;
--> statement-breakpoint
GRANT SELECT, INSERT, UPDATE (last_seen_at) ON known_devices TO sightline_app;
