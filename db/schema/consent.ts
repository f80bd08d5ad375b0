// Consent receipts (docs/ingest.md, "Consent receipts"): each tenant's consent policy (whether its
// browser ingest needs a receipt, and the version and hash of the policy visitors agree to), the
// append-only log of consent events (a receipt issued = accepted, revoked = withdrawn) that a
// tenant shows as proof (GDPR Art. 7(1)), and the daily count of batches refused for want of one.
// No IP, no user agent, no session id: a receipt id, a time, a policy version and hash, a choice.
import { sql } from "drizzle-orm";
import {
  bigint,
  boolean,
  check,
  date,
  index,
  integer,
  pgTable,
  primaryKey,
  text,
  uniqueIndex,
  uuid,
} from "drizzle-orm/pg-core";
import { at, bytea } from "./columns.ts";
import { tenants } from "./tenants.ts";

export const CONSENT_CHOICES = ["accepted", "withdrawn"] as const;
export type ConsentChoice = (typeof CONSENT_CHOICES)[number];

const tenantId = () =>
  uuid("tenant_id")
    .notNull()
    .references(() => tenants.id, { onDelete: "cascade" });

/**
 * Without a row a tenant enforces receipts under policy version 1 with no registered hash: new
 * tenants are protected by default. The migration gave every tenant that existed before receipts a
 * row with `required = false`, so nothing they already send starts failing.
 */
export const consentPolicies = pgTable(
  "consent_policies",
  {
    tenantId: tenantId().primaryKey(),
    required: boolean("required").notNull().default(true),
    version: integer("version").notNull().default(1),
    /** SHA-256 of the policy text visitors see, registered by the tenant; null until it does. */
    policyHash: bytea("policy_hash"),
    updatedAt: at("updated_at").notNull().defaultNow(),
  },
  (t) => [check("consent_policies_version_positive", sql`${t.version} > 0`)],
);

export const consentEvents = pgTable(
  "consent_events",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    tenantId: tenantId(),
    receiptId: uuid("receipt_id").notNull(),
    choice: text("choice", { enum: CONSENT_CHOICES }).notNull(),
    occurredAt: at("occurred_at").notNull(),
    policyVersion: integer("policy_version").notNull(),
    policyHash: bytea("policy_hash"),
    /** The browser sent Global Privacy Control and the visitor opted in anyway. */
    overrodeGpc: boolean("overrode_gpc").notNull().default(false),
  },
  (t) => [
    // One acceptance and at most one withdrawal per receipt; ingest asks "withdrawn?" by receipt.
    uniqueIndex("consent_events_receipt_choice_key").on(t.tenantId, t.receiptId, t.choice),
    index("consent_events_tenant_time_idx").on(t.tenantId, t.occurredAt),
    index("consent_events_occurred_at_idx").on(t.occurredAt),
    check("consent_events_choice_valid", sql`${t.choice} in ('accepted', 'withdrawn')`),
  ],
);

export const consentRefusals = pgTable(
  "consent_refusals",
  {
    tenantId: tenantId(),
    day: date("day", { mode: "string" }).notNull(),
    batches: bigint("batches", { mode: "number" }).notNull().default(0),
  },
  (t) => [primaryKey({ columns: [t.tenantId, t.day] })],
);
