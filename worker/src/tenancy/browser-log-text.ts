// Whether a tenant's browser log records keep their text (GET/PUT /api/tenants/:tid/rum/privacy).
// Off by default: the privacy firewall drops the body and severity text of every log record a
// frontend token sends, because a page's log line can carry whatever a visitor typed. An owner may
// turn it on for their own site, which makes them answerable for what their pages log; the value
// comes back with the token lookup, so ingest applies a change on the very next batch.
import { eq } from "drizzle-orm";
import { tenants } from "../../../db/schema/index.ts";
import type { Tx } from "../../../db/tenant-scope.ts";

export async function browserLogTextOf(tx: Tx, tenantId: string): Promise<boolean> {
  const [row] = await tx
    .select({ browserLogText: tenants.browserLogText })
    .from(tenants)
    .where(eq(tenants.id, tenantId));
  return row?.browserLogText ?? false;
}

/** Sets the flag; returns the previous value (for the audit event). */
export async function setBrowserLogText(tx: Tx, tenantId: string, allowed: boolean): Promise<boolean> {
  const previous = await browserLogTextOf(tx, tenantId);
  if (previous !== allowed)
    await tx.update(tenants).set({ browserLogText: allowed }).where(eq(tenants.id, tenantId));
  return previous;
}
