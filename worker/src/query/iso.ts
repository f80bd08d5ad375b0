import { sql, type SQL } from "drizzle-orm";

/** A timestamptz as ISO-8601 UTC with microseconds, the API's time format. */
export function iso(column: SQL | string): SQL {
  const expression = typeof column === "string" ? sql.raw(column) : column;
  return sql`to_char(${expression} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`;
}
