// Per-tenant rate limits an operator sets beyond the plan's (a contract, an incident): one row per
// tenant and surface, changed with `npm run tenant:plan -- <tenant> limit …` (scripts/tenant-plan.ts),
// read in the same statement as the token or session lookup (migrations/0041_tenant_limits.sql), so
// a change applies to the very next request without a deploy and without a database round trip.
import { sql } from "drizzle-orm";
import { check, integer, pgTable, primaryKey, text, timestamp, uuid } from "drizzle-orm/pg-core";
import { tenants } from "./tenants.ts";

export const tenantLimits = pgTable(
  "tenant_limits",
  {
    tenantId: uuid("tenant_id")
      .notNull()
      .references(() => tenants.id, { onDelete: "cascade" }),
    /** The tenant-keyed surfaces of worker/src/rate-limit/policies.ts. */
    surface: text("surface", { enum: ["ingest", "api"] }).notNull(),
    /** Burst (q), refilled evenly over windowSeconds (w), as in the RateLimit-Policy header. */
    quota: integer("quota").notNull(),
    windowSeconds: integer("window_seconds").notNull(),
    updatedAt: timestamp("updated_at", { withTimezone: true, mode: "date" }).notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.surface] }),
    check("tenant_limits_surface", sql`${t.surface} in ('ingest', 'api')`),
    check("tenant_limits_quota_range", sql`${t.quota} between 1 and 100000000`),
    check("tenant_limits_window_range", sql`${t.windowSeconds} between 1 and 86400`),
  ],
);
