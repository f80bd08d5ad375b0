// Email: verification links (single-use, expiring, only their SHA-256 stored), the outbox every
// message goes through (so a failed send is retried, never lost), and the browsers an account has
// signed in from (for the "sign-in from a new device" notice). Account-level tables, no tenant:
// reached by the Worker's role through explicit grants (migrations/*_email_grants.sql).
import { sql } from "drizzle-orm";
import { check, index, integer, pgTable, primaryKey, text, uniqueIndex, uuid } from "drizzle-orm/pg-core";
import { at, bytea } from "./columns.ts";
import { users } from "./accounts.ts";

export const emailVerifications = pgTable(
  "email_verifications",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    userId: uuid("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    /** The address the link proves: the account's own, or the one it is changing to. */
    email: text("email").notNull(),
    /** SHA-256 of the 256-bit token in the link; the token itself is never stored. */
    tokenHash: bytea("token_hash").notNull(),
    createdAt: at("created_at").notNull(),
    expiresAt: at("expires_at").notNull(),
    /** Set by the one verification that used it: a second use is refused as "already used". */
    usedAt: at("used_at"),
  },
  (t) => [
    uniqueIndex("email_verifications_token_hash_key").on(t.tokenHash),
    index("email_verifications_user_id_idx").on(t.userId),
  ],
);

export const EMAIL_KINDS = [
  "verification",
  "email-change",
  "invitation",
  "notice.passkey-added",
  "notice.passkey-removed",
  "notice.totp-enabled",
  "notice.totp-disabled",
  "notice.recovery-codes",
  "notice.new-device",
  "notice.email-change",
  "notice.deletion-scheduled",
  "notice.restored",
] as const;
export type EmailKind = (typeof EMAIL_KINDS)[number];

export const emailOutbox = pgTable(
  "email_outbox",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    kind: text("kind", { enum: EMAIL_KINDS }).notNull(),
    /** The account it concerns, when there is one (an invitation may go to someone without one). */
    userId: uuid("user_id").references(() => users.id, { onDelete: "cascade" }),
    recipient: text("recipient").notNull(),
    /**
     * AES-256-GCM of {subject, text, html} (links in it are credentials); the additional data
     * binds the row id. Dropped (null) once sent or given up.
     */
    payload: bytea("payload"),
    keyVersion: integer("key_version").notNull(),
    attempts: integer("attempts").notNull().default(0),
    /** When the next attempt may start; a claimed row is pushed ahead by a lease (no double send). */
    nextAttemptAt: at("next_attempt_at").notNull(),
    createdAt: at("created_at").notNull(),
    sentAt: at("sent_at"),
    /** The Message-ID Email Service answered with. */
    messageId: text("message_id"),
    /** Set when the attempts ran out; the action it reports was done regardless. */
    failedAt: at("failed_at"),
    /** The last send error, as the binding described it (never the message). */
    lastError: text("last_error"),
  },
  (t) => [
    index("email_outbox_pending_idx")
      .on(t.nextAttemptAt)
      .where(sql`${t.sentAt} is null and ${t.failedAt} is null`),
    index("email_outbox_recipient_idx").on(t.recipient),
    check("email_outbox_attempts_nonnegative", sql`${t.attempts} >= 0`),
  ],
);

export const knownDevices = pgTable(
  "known_devices",
  {
    userId: uuid("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    /** Coarse and versionless ("Firefox on Linux"): the User-Agent itself is never kept here. */
    browser: text("browser").notNull(),
    firstSeenAt: at("first_seen_at").notNull(),
    lastSeenAt: at("last_seen_at").notNull(),
  },
  (t) => [primaryKey({ columns: [t.userId, t.browser] })],
);
