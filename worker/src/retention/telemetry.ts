// Spans, log records, metric points and span rollups older than their tenant's plan allows
// (RETENTION.telemetry; a paid tenant's choice is in telemetry_retention), and telemetry of tenants
// that no longer exist. Days past the longest window were already dropped whole
// (telemetry-partitions.ts); this deletes the shorter windows in bounded batches, one statement
// each, until a batch comes back short or the run's cap is reached (the next night goes on).
import type { RetentionJob } from "./index.ts";
import { runDatabasePurge } from "./database-purge.ts";

const BATCH_ROWS = 10_000;
/** At most 1 M rows a night: a run stays well inside a Cron invocation's time. */
const MAX_BATCHES = 100;

export const telemetry: RetentionJob = {
  name: "telemetry",
  async run(db, now) {
    let purged = 0;
    for (let batch = 0; batch < MAX_BATCHES; batch++) {
      const deleted = await runDatabasePurge(db, "telemetry", now, BATCH_ROWS);
      purged += deleted;
      if (deleted < BATCH_ROWS) break;
    }
    return purged;
  },
};
