// Accounts and sign-in: users, their passkeys, TOTP and recovery codes, sessions, WebAuthn
// challenges, sign-in failures (brute-force throttling) and the audit log. These are account-level
// tables without a tenant, except audit_events, which is shared with tenants (nullable tenant_id,
// RLS: see migrations/*_accounts_rls.sql).
import { sql } from "drizzle-orm";
import {
  bigint,
  bigserial,
  boolean,
  check,
  index,
  integer,
  jsonb,
  pgTable,
  text,
  uniqueIndex,
  uuid,
} from "drizzle-orm/pg-core";
import { at, bytea } from "./columns.ts";

export const users = pgTable(
  "users",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    /** Lower-cased and trimmed before it is stored or looked up. */
    email: text("email").notNull(),
    name: text("name").notNull(),
    /** The WebAuthn user handle: random, never the id or the email (WebAuthn L3 §14.6.1). */
    webauthnUserId: text("webauthn_user_id").notNull(),
    createdAt: at("created_at").notNull().defaultNow(),
    /** When the current address was proven by a link sent to it (worker/src/email/verification.ts); null: unverified. */
    emailVerifiedAt: at("email_verified_at"),
    /** Set when the account is disabled or scheduled for deletion: no session loads, no sign-in. */
    disabledAt: at("disabled_at"),
  },
  (t) => [
    uniqueIndex("users_email_key").on(t.email),
    uniqueIndex("users_webauthn_user_id_key").on(t.webauthnUserId),
  ],
);

export const passkeys = pgTable(
  "passkeys",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    userId: uuid("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    /** base64url credential id; unique across all users (WebAuthn L3 §7.1 step 26). */
    credentialId: text("credential_id").notNull(),
    publicKey: bytea("public_key").notNull(),
    counter: bigint("counter", { mode: "number" }).notNull().default(0),
    transports: text("transports")
      .array()
      .notNull()
      .default(sql`'{}'::text[]`),
    aaguid: text("aaguid").notNull(),
    backedUp: boolean("backed_up").notNull().default(false),
    name: text("name").notNull(),
    createdAt: at("created_at").notNull().defaultNow(),
    lastUsedAt: at("last_used_at"),
  },
  (t) => [
    uniqueIndex("passkeys_credential_id_key").on(t.credentialId),
    index("passkeys_user_id_idx").on(t.userId),
    // 1023 bytes at most (WebAuthn L3 §5.1): ceil(1023 * 4 / 3) base64url characters.
    check("passkeys_credential_id_length", sql`char_length(${t.credentialId}) <= 1364`),
  ],
);

export const sessions = pgTable(
  "sessions",
  {
    /** Public id (GET /api/sessions); the cookie token is never stored, only its SHA-256. */
    id: uuid("id").primaryKey().defaultRandom(),
    tokenHash: bytea("token_hash").notNull(),
    userId: uuid("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    /** How the session was last authenticated: passkey, totp, recovery. */
    method: text("method").notNull(),
    userAgent: text("user_agent").notNull().default(""),
    createdAt: at("created_at").notNull(),
    /** Last time a request used it, refreshed at most hourly (sliding idle timeout). */
    lastSeenAt: at("last_seen_at").notNull(),
    /** Last sign-in or step-up: sensitive operations need this within 10 minutes. */
    authenticatedAt: at("authenticated_at").notNull(),
    /** Absolute expiry: created_at + 30 days, never extended. */
    expiresAt: at("expires_at").notNull(),
  },
  (t) => [uniqueIndex("sessions_token_hash_key").on(t.tokenHash), index("sessions_user_id_idx").on(t.userId)],
);

export const webauthnChallenges = pgTable(
  "webauthn_challenges",
  {
    challenge: text("challenge").primaryKey(),
    /** signup | signin | add-passkey | reauth: a challenge only completes the ceremony that issued it. */
    ceremony: text("ceremony").notNull(),
    /** The signed-in user (add-passkey, reauth) or the user named by email (signin). */
    userId: uuid("user_id").references(() => users.id, { onDelete: "cascade" }),
    /** For add-passkey and reauth: the session that asked. */
    sessionId: uuid("session_id").references(() => sessions.id, { onDelete: "cascade" }),
    /** For signup: the account to create ({email, name, webauthnUserId}). */
    pending: jsonb("pending").$type<{ email: string; name: string; webauthnUserId: string }>(),
    expiresAt: at("expires_at").notNull(),
  },
  (t) => [index("webauthn_challenges_expires_at_idx").on(t.expiresAt)],
);

export const totpCredentials = pgTable("totp_credentials", {
  userId: uuid("user_id")
    .primaryKey()
    .references(() => users.id, { onDelete: "cascade" }),
  /** AES-256-GCM: 12-byte IV followed by ciphertext and tag; AAD binds user id and key version. */
  secretCiphertext: bytea("secret_ciphertext").notNull(),
  keyVersion: integer("key_version").notNull(),
  /** Null while set up but not yet confirmed with a code. */
  enabledAt: at("enabled_at"),
  /** The last accepted time step: a code is accepted only for a later step (replay). */
  lastStep: bigint("last_step", { mode: "number" }).notNull().default(-1),
  createdAt: at("created_at").notNull().defaultNow(),
});

export const recoveryCodes = pgTable(
  "recovery_codes",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    userId: uuid("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    salt: bytea("salt").notNull(),
    codeHash: bytea("code_hash").notNull(),
    usedAt: at("used_at"),
    createdAt: at("created_at").notNull().defaultNow(),
  },
  (t) => [index("recovery_codes_user_id_idx").on(t.userId)],
);

/**
 * Failed TOTP / recovery-code attempts, keyed by SHA-256 of the normalised email so that unknown
 * emails are throttled exactly like real ones (no enumeration) without storing them.
 */
export const signInFailures = pgTable(
  "sign_in_failures",
  {
    id: bigserial("id", { mode: "number" }).primaryKey(),
    accountKey: bytea("account_key").notNull(),
    failedAt: at("failed_at").notNull(),
  },
  (t) => [index("sign_in_failures_account_key_idx").on(t.accountKey, t.failedAt)],
);

/**
 * Append-only security log (the app role may INSERT and SELECT only). Account-level events have no
 * tenant; tenant events carry one. Details never hold secrets.
 */
export const auditEvents = pgTable(
  "audit_events",
  {
    id: bigserial("id", { mode: "number" }).primaryKey(),
    occurredAt: at("occurred_at").notNull().defaultNow(),
    tenantId: uuid("tenant_id"),
    /** Who did it (null for an anonymous failure, e.g. a sign-in attempt for an unknown account). */
    actorUserId: uuid("actor_user_id"),
    action: text("action").notNull(),
    details: jsonb("details").$type<Record<string, unknown>>().notNull().default({}),
    requestId: text("request_id"),
  },
  (t) => [
    index("audit_events_tenant_idx").on(t.tenantId, t.occurredAt),
    index("audit_events_actor_idx").on(t.actorUserId, t.occurredAt),
  ],
);
