// The email part of the account export: the browsers the account has signed in from, and what
// was emailed about it (kind, address, times; the messages themselves are never kept once sent).
import { asc, eq } from "drizzle-orm";
import type { Db } from "../../../db/client.ts";
import { emailOutbox, knownDevices } from "../../../db/schema/index.ts";

export async function emailDataOf(db: Db, userId: string) {
  const knownBrowsers = await db
    .select({
      browser: knownDevices.browser,
      firstSeenAt: knownDevices.firstSeenAt,
      lastSeenAt: knownDevices.lastSeenAt,
    })
    .from(knownDevices)
    .where(eq(knownDevices.userId, userId))
    .orderBy(asc(knownDevices.firstSeenAt));
  const messages = await db
    .select({
      kind: emailOutbox.kind,
      recipient: emailOutbox.recipient,
      createdAt: emailOutbox.createdAt,
      sentAt: emailOutbox.sentAt,
      failedAt: emailOutbox.failedAt,
    })
    .from(emailOutbox)
    .where(eq(emailOutbox.userId, userId))
    .orderBy(asc(emailOutbox.createdAt));
  return { knownBrowsers, messages };
}
