// Narrow row-level-security contexts besides the tenant (db/tenant-scope.ts) and the user
// (db/user-scope.ts), for requests that do not know their tenant yet: the SHA-256 of a presented
// secret (an invitation; API tokens use the one-statement app_authenticate_api_token, migration
// 0012) makes exactly that row visible, and an origin answers a CORS preflight. Like withTenant, the setting is local to the transaction (set_config(..., true)) so
// it never leaks through a pooled connection.
import type { Db } from "./client.ts";
import { withScope, type Tx } from "./scope.ts";

export type ScopeSetting = "app.lookup_hash" | "app.origin";

export async function withSetting<T>(
  db: Db,
  setting: ScopeSetting,
  value: string,
  work: (tx: Tx) => Promise<T>,
): Promise<T> {
  return withScope(db, { [setting]: value }, "transaction", work);
}
