// Audit log entries older than RETENTION.auditEventDays.
import type { RetentionJob } from "./index.ts";
import { runDatabasePurge } from "./database-purge.ts";

export const auditEvents: RetentionJob = {
  name: "audit-events",
  run: (db, now) => runDatabasePurge(db, "auditEvents", now, 10_000),
};
