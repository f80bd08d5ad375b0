// The Web Vitals compaction (migrations/0066_rum_vitals_cube.sql to 0068, docs/ingest.md "RUM
// storage"): rebuilds the per-dimension cells of the days and hours the store marked stale
// (rum_vitals_daily / _hourly) and the blocks of days and hours that hold them. A view never waits
// for it (it reads what is stale from the combination rows), so how often it runs only bounds how
// much a view computes on the fly: the five-minute Cron runs it.
import { sql } from "drizzle-orm";
import type { Db } from "../../../db/client.ts";

/** Days and hours (each) per statement: one transaction, short enough not to hold markers long. */
const PER_STATEMENT = 100;
/** Statements per run, so one run stays bounded; whatever is left is the next run's. */
const MAX_STATEMENTS = 50;

/**
 * Compacts stale days and hours until none is left (or the run's bound); returns how many it
 * rebuilt. A statement that rebuilt fewer than PER_STATEMENT in all took every marker it found.
 */
export async function compactVitals(db: Db): Promise<number> {
  let total = 0;
  for (let statement = 0; statement < MAX_STATEMENTS; statement++) {
    const { rows } = await db.execute<{ rebuilt: number }>(
      sql`select rum_vitals_compact(${PER_STATEMENT}) as rebuilt`,
    );
    const rebuilt = Number(rows[0].rebuilt);
    total += rebuilt;
    if (rebuilt < PER_STATEMENT) break;
  }
  return total;
}
