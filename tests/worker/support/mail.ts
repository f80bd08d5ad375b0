// The mailbox side of the Worker tests: what the simulated EMAIL binding delivered to an address.
// The outbox (email_outbox) says which messages went to whom and the Message-ID Email Service
// answered; the bodies are the files the binding's local simulation wrote, read through the MAILBOX
// service binding (scripts/simulated-mail.ts). Nothing here stands in for the binding.
import { env } from "cloudflare:workers";
import { and, asc, eq, isNotNull } from "drizzle-orm";
import { expect, vi } from "vitest";
import { emailOutbox, users, type EmailKind } from "../../../db/schema/index.ts";
import { withDb } from "./tenancy.ts";

export type DeliveredMessage = { kind: EmailKind; text: string; html: string; messageId: string };

async function bodiesOf(messageId: string): Promise<{ text: string; html: string } | null> {
  const response = await env.MAILBOX.fetch(`http://mailbox/?messageId=${encodeURIComponent(messageId)}`);
  return response.ok ? response.json() : null;
}

/** Every message sent to `address`, oldest first (waits for the simulation to write the last ones). */
export async function messagesTo(address: string, kind?: EmailKind): Promise<DeliveredMessage[]> {
  const rows = await withDb((db) =>
    db
      .select({ kind: emailOutbox.kind, messageId: emailOutbox.messageId })
      .from(emailOutbox)
      .where(
        and(
          eq(emailOutbox.recipient, address),
          isNotNull(emailOutbox.messageId),
          kind ? eq(emailOutbox.kind, kind) : undefined,
        ),
      )
      .orderBy(asc(emailOutbox.createdAt)),
  );
  const messages: DeliveredMessage[] = [];
  for (const row of rows) {
    const bodies = await vi.waitFor(
      async () => {
        const found = await bodiesOf(row.messageId!);
        if (!found) throw new Error(`message ${row.messageId} not written yet`);
        return found;
      },
      { timeout: 5_000, interval: 20 },
    );
    messages.push({ kind: row.kind, messageId: row.messageId!, ...bodies });
  }
  return messages;
}

/** The one latest message of `kind` to `address`; fails when there is none. */
export async function lastMessageTo(address: string, kind: EmailKind): Promise<DeliveredMessage> {
  const messages = await messagesTo(address, kind);
  expect(messages.length, `no ${kind} email to ${address}`).toBeGreaterThan(0);
  return messages.at(-1)!;
}

/** The link in a message's text that starts with `${APP_ORIGIN}${path}`. */
export function linkIn(message: DeliveredMessage, path: string): string {
  const prefix = `${env.APP_ORIGIN}${path}`;
  const link = message.text.split(/\s+/).find((word) => word.startsWith(prefix));
  expect(link, `no ${prefix} link in: ${message.text}`).toBeDefined();
  return link!;
}

/** The token in a link's fragment, as the site's page reads it. */
export const fragmentOf = (link: string) => new URL(link).hash.slice(1);

/**
 * Marks an account's address verified, for tests about something else than verification that need
 * a verified account (accepting invitations). The verification flow itself is tested end to end
 * in email-verification.test.ts.
 */
export async function markEmailVerified(userId: string): Promise<void> {
  await withDb((db) => db.update(users).set({ emailVerifiedAt: new Date() }).where(eq(users.id, userId)));
}
