// The time partitions of the telemetry tables (migrations/0040_partitioned_telemetry.sql): creates
// the partitions of today and the coming week, and drops whole days past the longest retention
// (365 days), which is what makes retention of a day a catalog operation instead of a DELETE. Runs
// before the per-tenant purge, so rows of a dropped day are never deleted one by one.
import { sql } from "drizzle-orm";
import type { RetentionJob } from "./index.ts";

export const telemetryPartitions: RetentionJob = {
  name: "telemetryPartitions",
  /** Partitions created + dropped (the function is the runtime role's only way to either). */
  async run(db, now) {
    const result = await db.execute<{ changed: number }>(
      sql`select telemetry_partitions_maintain(${now.toISOString()}::timestamptz) as changed`,
    );
    return Number(result.rows[0].changed);
  },
};
