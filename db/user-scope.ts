// The account-level twin of withTenant: policies that let a user read their own rows (e.g.
// account-level audit events) compare with app_user_id(), set here, local to the transaction.
import type { Db } from "./client.ts";
import { withScope, type ScopeMode, type Tx } from "./scope.ts";

export async function withUser<T>(
  db: Db,
  userId: string,
  work: (tx: Tx) => Promise<T>,
  mode: ScopeMode = "transaction",
): Promise<T> {
  return withScope(db, { "app.user_id": userId }, mode, work);
}
