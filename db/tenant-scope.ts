// Row-level security plumbing. Every tenant-owned table has a policy on
// current_setting('app.tenant_id'); this is the only place that sets it. It is set with
// set_config(..., true) — local to the transaction — because Neon's pooler runs PgBouncer in
// transaction mode, where a plain SET would leak into whichever client gets the connection next.
import { sql } from "drizzle-orm";
import type { Db } from "./client.ts";

export type Tx = Parameters<Parameters<Db["transaction"]>[0]>[0];

export async function withTenant<T>(db: Db, tenantId: string, work: (tx: Tx) => Promise<T>): Promise<T> {
  return db.transaction(async (tx) => {
    await tx.execute(sql`select set_config('app.tenant_id', ${tenantId}, true)`);
    return work(tx);
  });
}
