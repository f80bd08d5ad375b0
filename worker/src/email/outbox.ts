// Every email goes through the outbox (email_outbox): queued with the action that causes it,
// then sent at once; a send that fails is retried by the Cron Trigger with growing delays, so a
// message is never lost to a passing failure and the action never waits on it. The message is
// stored encrypted (its links are credentials) and dropped once sent or given up. Delivery is
// at-least-once: a row is claimed with a lease before sending, so two senders never overlap, but a
// Worker that dies between sending and recording it sends it again after the lease.
import { and, asc, eq, isNull, lte, sql } from "drizzle-orm";
import type { Db } from "../../../db/client.ts";
import { emailOutbox, type EmailKind } from "../../../db/schema/index.ts";
import type { Tx } from "../../../db/tenant-scope.ts";
import { decryptSecret, encryptSecret, keyRingFor } from "../auth/encryption.ts";
import { sendThroughEmailService } from "./mailer.ts";
import type { RenderedEmail } from "./templates.ts";

export type OutgoingEmail = { kind: EmailKind; to: string; userId: string | null; message: RenderedEmail };
export type MailEnv = Pick<Env, "EMAIL" | "EMAIL_FROM" | "RP_NAME" | "TOTP_ENCRYPTION_KEYS">;

/** How long a claimed row is left to its sender before anyone else may try it. */
const LEASE_MS = 2 * 60_000;
/** 5 min, 10, 20 … capped at 6 h: eight attempts span about a day. */
export const MAX_ATTEMPTS = 8;
const retryDelayMs = (attempts: number) => Math.min(5 * 60_000 * 2 ** (attempts - 1), 6 * 3600_000);
const DUE_PER_RUN = 100;

/** The additional data of a row's ciphertext: a payload moved to another row does not decrypt. */
const sealedFor = (id: string) => `email-outbox:${id}`;

export async function queueEmail(
  db: Db | Tx,
  env: MailEnv,
  email: OutgoingEmail,
  now: Date,
): Promise<string> {
  const id = crypto.randomUUID();
  const ring = await keyRingFor(env.TOTP_ENCRYPTION_KEYS);
  const plaintext = new Uint8Array(new TextEncoder().encode(JSON.stringify(email.message)));
  const { ciphertext, keyVersion } = await encryptSecret(ring, sealedFor(id), plaintext);
  await db.insert(emailOutbox).values({
    id,
    kind: email.kind,
    userId: email.userId,
    recipient: email.to,
    payload: ciphertext,
    keyVersion,
    nextAttemptAt: now,
    createdAt: now,
  });
  return id;
}

export type Delivery = "sent" | "retry" | "failed" | "not-due";

/** One attempt at a due row: claim it, send it through the binding, record how it went. */
export async function deliverEmail(db: Db | Tx, env: MailEnv, id: string, now: Date): Promise<Delivery> {
  const [claimed] = await db
    .update(emailOutbox)
    .set({ attempts: sql`${emailOutbox.attempts} + 1`, nextAttemptAt: new Date(now.getTime() + LEASE_MS) })
    .where(
      and(
        eq(emailOutbox.id, id),
        isNull(emailOutbox.sentAt),
        isNull(emailOutbox.failedAt),
        lte(emailOutbox.nextAttemptAt, now),
      ),
    )
    .returning();
  if (!claimed?.payload) return "not-due";
  const ring = await keyRingFor(env.TOTP_ENCRYPTION_KEYS);
  const plaintext = await decryptSecret(ring, sealedFor(id), {
    ciphertext: claimed.payload,
    keyVersion: claimed.keyVersion,
  });
  const where = eq(emailOutbox.id, id);
  if (!plaintext) {
    await db
      .update(emailOutbox)
      .set({ failedAt: now, payload: null, lastError: "undecryptable" })
      .where(where);
    return "failed";
  }
  try {
    const message = JSON.parse(new TextDecoder().decode(plaintext)) as RenderedEmail;
    const messageId = await sendThroughEmailService(env, claimed.recipient, message);
    await db.update(emailOutbox).set({ sentAt: now, messageId, payload: null, lastError: null }).where(where);
    return "sent";
  } catch (error) {
    const exhausted = claimed.attempts >= MAX_ATTEMPTS;
    // The error may name the recipient: it goes to the row (which holds the address anyway), the
    // log gets only what identifies the row.
    const lastError = (error instanceof Error ? error.message : String(error)).slice(0, 500);
    await db
      .update(emailOutbox)
      .set(
        exhausted
          ? { failedAt: now, payload: null, lastError }
          : { nextAttemptAt: new Date(now.getTime() + retryDelayMs(claimed.attempts)), lastError },
      )
      .where(where);
    console.warn(
      JSON.stringify({
        msg: exhausted ? "email given up" : "email send failed, will retry",
        outboxId: id,
        kind: claimed.kind,
        attempt: claimed.attempts,
      }),
    );
    return exhausted ? "failed" : "retry";
  }
}

/** Queues and tries at once; a failure is left to the retries (the caller's action stands). */
export async function sendEmail(db: Db | Tx, env: MailEnv, email: OutgoingEmail): Promise<void> {
  const now = new Date();
  const id = await queueEmail(db, env, email, now);
  await deliverEmail(db, env, id, now);
}

/** The Cron Trigger's sweep: every due row, oldest first, one attempt each. */
export async function deliverDueEmails(db: Db, env: MailEnv, now: Date): Promise<Record<Delivery, number>> {
  const due = await db
    .select({ id: emailOutbox.id })
    .from(emailOutbox)
    .where(and(isNull(emailOutbox.sentAt), isNull(emailOutbox.failedAt), lte(emailOutbox.nextAttemptAt, now)))
    .orderBy(asc(emailOutbox.nextAttemptAt))
    .limit(DUE_PER_RUN);
  const report: Record<Delivery, number> = { sent: 0, retry: 0, failed: 0, "not-due": 0 };
  for (const { id } of due) report[await deliverEmail(db, env, id, now)]++;
  return report;
}
