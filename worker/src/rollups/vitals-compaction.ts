// The Web Vitals compaction (migrations/0066_rum_vitals_cube.sql, docs/ingest.md "RUM storage"):
// rebuilds the per-dimension day cells (rum_vitals_daily) of the days the store marked stale. A
// view never waits for it (it reads a stale day from the day's combination rows), so how often it
// runs only bounds how many days a view computes on the fly: the five-minute Cron runs it.
import { sql } from "drizzle-orm";
import type { Db } from "../../../db/client.ts";

/** Days per statement: one statement is one transaction, short enough not to hold markers long. */
const DAYS_PER_STATEMENT = 100;
/** Statements per run, so one run stays bounded; whatever is left is the next run's. */
const MAX_STATEMENTS = 50;

/** Compacts stale days until none is left (or the run's bound); returns how many it rebuilt. */
export async function compactVitals(db: Db): Promise<number> {
  let total = 0;
  for (let statement = 0; statement < MAX_STATEMENTS; statement++) {
    const { rows } = await db.execute<{ days: number }>(
      sql`select rum_vitals_compact(${DAYS_PER_STATEMENT}) as days`,
    );
    const days = Number(rows[0].days);
    total += days;
    if (days < DAYS_PER_STATEMENT) break;
  }
  return total;
}
