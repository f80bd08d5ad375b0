// The account-level twin of withTenant: policies that let a user read their own rows (e.g.
// account-level audit events) compare with app_user_id(), set here, local to the transaction.
import { sql } from "drizzle-orm";
import type { Db } from "./client.ts";
import type { Tx } from "./tenant-scope.ts";

export async function withUser<T>(db: Db, userId: string, work: (tx: Tx) => Promise<T>): Promise<T> {
  return db.transaction(async (tx) => {
    await tx.execute(sql`select set_config('app.user_id', ${userId}, true)`);
    return work(tx);
  });
}
