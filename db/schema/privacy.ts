// Privacy operations: accounts scheduled for deletion (restorable until the retention job purges
// them) and each tenant's telemetry retention setting. Retention windows themselves live in
// worker/src/retention/policy.ts; the purge functions are in migrations/*_privacy_rls.sql.
import { sql } from "drizzle-orm";
import { check, integer, pgTable, primaryKey, uuid } from "drizzle-orm/pg-core";
import { at } from "./columns.ts";
import { sessions, users } from "./accounts.ts";
import { tenants } from "./tenants.ts";

/** One row per account whose owner asked to delete it; removed on restore or with the account. */
export const accountDeletions = pgTable("account_deletions", {
  userId: uuid("user_id")
    .primaryKey()
    .references(() => users.id, { onDelete: "cascade" }),
  requestedAt: at("requested_at").notNull(),
});

/** Paid plans choose 30–365 days; without a row a paid tenant keeps the default (policy.ts). */
export const telemetryRetention = pgTable(
  "telemetry_retention",
  {
    tenantId: uuid("tenant_id")
      .primaryKey()
      .references(() => tenants.id, { onDelete: "cascade" }),
    days: integer("days").notNull(),
    updatedAt: at("updated_at").notNull().defaultNow(),
  },
  (t) => [check("telemetry_retention_days_range", sql`${t.days} between 30 and 365`)],
);

/**
 * Each fresh authentication of a session authorises one export (SECURITY.md F31: single-use,
 * short-lived): the primary key is the session and the time it was last authenticated.
 */
export const accountExports = pgTable(
  "account_exports",
  {
    sessionId: uuid("session_id")
      .notNull()
      .references(() => sessions.id, { onDelete: "cascade" }),
    authenticatedAt: at("authenticated_at").notNull(),
    exportedAt: at("exported_at").notNull(),
  },
  (t) => [primaryKey({ columns: [t.sessionId, t.authenticatedAt] })],
);
