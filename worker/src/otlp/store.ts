// Rows → Postgres in one round trip whatever the batch size: the rows are one JSON parameter,
// expanded by jsonb_to_recordset inside the signal's own store function
// (migrations/0023_narrow_ingest_functions.sql), which sets the tenant's RLS context and INSERTs as
// the caller, in its own transaction. Re-sent items hit the unique keys and are skipped (ON CONFLICT
// DO NOTHING), so a retried batch is stored once. The queue consumer (worker/src/ingest-queue/)
// hands this the rows of many requests at once, already as JSON text.
import { sql } from "drizzle-orm";
import type { Db } from "../../../db/client.ts";
import type { Signal } from "./decode.ts";

/** How many rows were new (the rest were duplicates of rows already stored). */
export type Stored = { inserted: number };

/** One narrow function per signal: the runtime role can pass rows, never a statement. */
const STORE_FUNCTIONS: Record<Signal, string> = {
  traces: "app_store_spans",
  logs: "app_store_log_records",
  metrics: "app_store_metric_points",
};

/**
 * Escapes jsonb refuses, which would fail the whole batch (and a retry forever): NUL, and lone
 * UTF-16 surrogates (JSON.stringify escapes only lone ones; pairs are written as characters).
 * Both become U+FFFD. An escape is a backslash preceded by an even number of backslashes.
 */
const UNSTORABLE_ESCAPES = /(?<!\\)((?:\\\\)*)\\u(?:0000|d[89a-f][0-9a-f]{2})/gi;

/** Stores a JSON array of the signal's rows (the mappers' row shapes) for one tenant. */
export async function storeRows(db: Db, signal: Signal, tenantId: string, rowsJson: string): Promise<Stored> {
  const batch = rowsJson.replace(UNSTORABLE_ESCAPES, "$1\\ufffd");
  const result = await db.execute<{ inserted: string }>(
    sql`select ${sql.raw(STORE_FUNCTIONS[signal])}(${tenantId}::uuid, ${batch}::jsonb) as inserted`,
  );
  return { inserted: Number(result.rows[0].inserted) };
}
