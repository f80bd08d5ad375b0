// Spans, log records and metric points older than their tenant's plan allows (RETENTION.telemetry;
// a paid tenant's choice is in telemetry_retention), and telemetry of tenants that no longer exist.
import type { RetentionJob } from "../scheduled.ts";
import { runDatabasePurge } from "./database-purge.ts";

export const telemetry: RetentionJob = {
  name: "telemetry",
  run: (db, now) => runDatabasePurge(db, "telemetry", now, 10_000),
};
