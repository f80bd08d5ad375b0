// Allowed browser origins per tenant: where its frontend tokens may ingest from (ingest CORS).
// Only `https://host[:port]`, or plain http for localhost; never `*`, paths, credentials or
// wildcards. Stored normalised (lower-case host, default port dropped) so comparison is equality.
import { eq, inArray } from "drizzle-orm";
import type { Db } from "../../../db/client.ts";
import { tenantOrigins } from "../../../db/schema/index.ts";
import { withSetting } from "../../../db/setting-scope.ts";
import type { Tx } from "../../../db/tenant-scope.ts";

export const MAX_ORIGINS = 50;
const LOCALHOST = new Set(["localhost", "127.0.0.1", "[::1]"]);

/** The normalised origin, or null when the text is not an acceptable origin. */
export function parseOrigin(text: string): string | null {
  if (typeof text !== "string" || text.length > 253 + 14 || !/^https?:\/\/[^/?#@*\s]+\/?$/i.test(text))
    return null;
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return null;
  }
  if (url.username || url.password || url.pathname !== "/" || url.search || url.hash) return null;
  if (url.protocol === "http:" && !LOCALHOST.has(url.hostname)) return null;
  if (url.protocol !== "https:" && url.protocol !== "http:") return null;
  return url.origin;
}

export async function listAllowedOrigins(tx: Tx): Promise<string[]> {
  const rows = await tx
    .select({ origin: tenantOrigins.origin })
    .from(tenantOrigins)
    .orderBy(tenantOrigins.origin);
  return rows.map((row) => row.origin);
}

/**
 * Whether any tenant allows this origin: a CORS preflight carries no token, so it cannot know the
 * tenant. The answer is a yes/no; which tenants allow it is never returned.
 */
export async function isOriginAllowedByAnyTenant(db: Db, origin: string): Promise<boolean> {
  const normalised = parseOrigin(origin);
  if (!normalised) return false;
  const rows = await withSetting(db, "app.origin", normalised, (tx) =>
    tx
      .select({ origin: tenantOrigins.origin })
      .from(tenantOrigins)
      .where(eq(tenantOrigins.origin, normalised))
      .limit(1),
  );
  return rows.length > 0;
}

/** Replaces the whole list inside the tenant's transaction; returns what was added and removed. */
export async function replaceAllowedOrigins(tx: Tx, tenantId: string, origins: string[]) {
  const before = await listAllowedOrigins(tx);
  const wanted = [...new Set(origins)];
  const removed = before.filter((origin) => !wanted.includes(origin));
  const added = wanted.filter((origin) => !before.includes(origin));
  if (removed.length > 0) await tx.delete(tenantOrigins).where(inArray(tenantOrigins.origin, removed));
  if (added.length > 0) await tx.insert(tenantOrigins).values(added.map((origin) => ({ tenantId, origin })));
  return { origins: wanted.sort(), added, removed };
}
