// Whether a tenant's browser log records keep their text (GET/PUT /api/tenants/:tid/rum/privacy).
// Off by default: the privacy firewall drops the body and severity text of every log record a
// frontend token sends, because a page's log line can carry whatever a visitor typed. An owner may
// turn it on for their own site, which makes them answerable for what their pages log; the value
// comes back with the token lookup, so ingest applies a change on the very next batch.
import { and, eq, ne } from "drizzle-orm";
import { tenants } from "../../../db/schema/index.ts";
import type { Tx } from "../../../db/tenant-scope.ts";

export async function browserLogTextOf(tx: Tx, tenantId: string): Promise<boolean> {
  const [row] = await tx
    .select({ browserLogText: tenants.browserLogText })
    .from(tenants)
    .where(eq(tenants.id, tenantId));
  return row?.browserLogText ?? false;
}

/** Sets the flag in one statement; true when it changed (for the audit event). */
export async function setBrowserLogText(tx: Tx, tenantId: string, allowed: boolean): Promise<boolean> {
  const changed = await tx
    .update(tenants)
    .set({ browserLogText: allowed })
    .where(and(eq(tenants.id, tenantId), ne(tenants.browserLogText, allowed)))
    .returning({ id: tenants.id });
  return changed.length > 0;
}
