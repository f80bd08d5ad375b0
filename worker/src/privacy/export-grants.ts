// One export per fresh authentication (SECURITY.md F31: the download is single-use and
// short-lived). requireFreshAuth makes it short-lived (10 minutes); this makes it single-use: the
// session's authentication time is recorded with the export, and a second export on the same
// authentication finds it taken. The primary key decides, so two parallel downloads get one.
import type { Db } from "../../../db/client.ts";
import { accountExports } from "../../../db/schema/index.ts";

export async function spendExportGrant(
  db: Db,
  session: { id: string; authenticatedAt: Date },
  now: Date,
): Promise<boolean> {
  const spent = await db
    .insert(accountExports)
    .values({ sessionId: session.id, authenticatedAt: session.authenticatedAt, exportedAt: now })
    .onConflictDoNothing()
    .returning({ sessionId: accountExports.sessionId });
  return spent.length > 0;
}
