// Tenancy: who belongs to which tenant with which role, pending invitations, API tokens and the
// browser origins a tenant's frontend tokens may ingest from. Every table is tenant-owned (RLS
// forced, see migrations/*_tenancy_rls.sql); secrets are stored only as SHA-256 hashes.
import { sql } from "drizzle-orm";
import { check, index, pgTable, primaryKey, text, uniqueIndex, uuid } from "drizzle-orm/pg-core";
import { at, bytea } from "./columns.ts";
import { users } from "./accounts.ts";
import { tenants } from "./tenants.ts";

export const ROLES = ["owner", "admin", "member"] as const;
export type Role = (typeof ROLES)[number];
export type TenantPlan = (typeof tenants.$inferSelect)["plan"];
export const TOKEN_TYPES = ["backend", "frontend"] as const;
export type TokenType = (typeof TOKEN_TYPES)[number];

const tenantId = () =>
  uuid("tenant_id")
    .notNull()
    .references(() => tenants.id, { onDelete: "cascade" });

export const memberships = pgTable(
  "memberships",
  {
    tenantId: tenantId(),
    userId: uuid("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    role: text("role", { enum: ROLES }).notNull(),
    createdAt: at("created_at").notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.userId] }),
    // "My tenants" and the per-request membership check start from the user.
    index("memberships_user_id_idx").on(t.userId),
    check("memberships_role_valid", sql`${t.role} in ('owner', 'admin', 'member')`),
  ],
);

export const invitations = pgTable(
  "invitations",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    tenantId: tenantId(),
    /** Lower-cased and trimmed, like users.email. */
    email: text("email").notNull(),
    role: text("role", { enum: ROLES }).notNull(),
    /** SHA-256 of the single-use token in the invitation link; the token itself is never stored. */
    tokenHash: bytea("token_hash").notNull(),
    invitedBy: uuid("invited_by").references(() => users.id, { onDelete: "set null" }),
    createdAt: at("created_at").notNull().defaultNow(),
    expiresAt: at("expires_at").notNull(),
  },
  (t) => [
    uniqueIndex("invitations_token_hash_key").on(t.tokenHash),
    index("invitations_tenant_id_idx").on(t.tenantId),
    check("invitations_role_valid", sql`${t.role} in ('owner', 'admin', 'member')`),
  ],
);

export const apiTokens = pgTable(
  "api_tokens",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    tenantId: tenantId(),
    name: text("name").notNull(),
    description: text("description").notNull().default(""),
    type: text("type", { enum: TOKEN_TYPES }).notNull(),
    /** SHA-256 of the whole token (prefix included): looked up by this unique index, never scanned. */
    tokenHash: bytea("token_hash").notNull(),
    createdBy: uuid("created_by").references(() => users.id, { onDelete: "set null" }),
    createdAt: at("created_at").notNull().defaultNow(),
    expiresAt: at("expires_at"),
    /** Coarse: written at most once an hour per token, so ingest does not write on every request. */
    lastUsedAt: at("last_used_at"),
  },
  (t) => [
    uniqueIndex("api_tokens_token_hash_key").on(t.tokenHash),
    index("api_tokens_tenant_id_idx").on(t.tenantId),
    check("api_tokens_type_valid", sql`${t.type} in ('backend', 'frontend')`),
  ],
);

export const tenantOrigins = pgTable(
  "tenant_origins",
  {
    tenantId: tenantId(),
    /** A normalised origin: `https://host[:port]`, or `http://localhost[:port]`; never `*`. */
    origin: text("origin").notNull(),
    createdAt: at("created_at").notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.origin] }),
    // Preflights carry no token: "does any tenant allow this origin?" starts from the origin.
    index("tenant_origins_origin_idx").on(t.origin),
    check("tenant_origins_origin_shape", sql`${t.origin} ~ '^https?://[^/*?#@\\s]+$'`),
  ],
);
