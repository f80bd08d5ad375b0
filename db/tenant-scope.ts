// Row-level security plumbing. Every tenant-owned table has a policy on
// current_setting('app.tenant_id'); this is the only place that sets it. It is set with
// set_config(..., true) — local to the transaction — because Neon's pooler runs PgBouncer in
// transaction mode, where a plain SET would leak into whichever client gets the connection next.
// The round trips this costs are db/scope.ts's business.
import type { Db } from "./client.ts";
import { withScope, type ScopeMode, type Tx } from "./scope.ts";

export type { Tx };

export async function withTenant<T>(
  db: Db,
  tenantId: string,
  work: (tx: Tx) => Promise<T>,
  mode: ScopeMode = "transaction",
): Promise<T> {
  return withScope(db, { "app.tenant_id": tenantId }, mode, work);
}
