// Consent events and refused-batch counts older than RETENTION.consentRecordDays.
import type { RetentionJob } from "./index.ts";
import { runDatabasePurge } from "./database-purge.ts";

export const consentRecords: RetentionJob = {
  name: "consent-records",
  run: (db, now) => runDatabasePurge(db, "consentRecords", now, 10_000),
};
