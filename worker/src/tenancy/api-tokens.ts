// API tokens: `sl_be_…` (backend: ingest and query) and `sl_fe_…` (frontend: browser trace ingest
// only). 256 random bits, shown once; only SHA-256(token) is stored, found through its unique
// index in an RLS context that is that hash (app_authenticate_api_token). Revoking deletes
// the row, so the very next request fails: every request looks its token up (../token-lookup.ts).
// Every function takes `now` (tests inject a clock).
import { desc, eq, sql } from "drizzle-orm";
import type { Db } from "../../../db/client.ts";
import { apiTokens, type TenantPlan, type TokenType } from "../../../db/schema/index.ts";
import type { Tx } from "../../../db/tenant-scope.ts";
import { base64url } from "../byte-encoding.ts";
import type { TenantLimits } from "../rate-limit/policies.ts";
import { equalInConstantTime, sha256 } from "./secret-hash.ts";

export type AuthenticatedToken = {
  id: string;
  tenantId: string;
  type: TokenType;
  /** The tenant's consent policy, and whether the presented receipt was withdrawn (docs/ingest.md). */
  consent: { required: boolean; policyVersion: number; receiptWithdrawn: boolean };
  /** The tenant's plan and operator-set limits (tenant_limits), read in the same statement. */
  plan: TenantPlan;
  limits: TenantLimits;
  /** The tenant's RUM route patterns (tenancy/rum-routes.ts), also from that statement. */
  routePatterns: readonly string[];
  /** Whether browser log records keep their body and severity text (tenants.browser_log_text). */
  browserLogText: boolean;
  /** The tenant's allowed browser origins, normalised (tenancy/origins.ts; migration 0082). */
  allowedOrigins: readonly string[];
};

type TokenRow = {
  id: string;
  tenant_id: string;
  type: TokenType;
  token_hash: Uint8Array;
  consent_required: boolean;
  policy_version: number;
  receipt_withdrawn: boolean;
  plan: TenantPlan;
  limits: TenantLimits;
  route_patterns: string[];
  browser_log_text: boolean;
  allowed_origins: string[];
};

const PREFIXES: Record<TokenType, string> = { backend: "sl_be_", frontend: "sl_fe_" };
/** A prefix and 43 base64url characters (32 bytes); anything else is not worth a database query. */
const TOKEN_SHAPE = /^sl_(be|fe)_[A-Za-z0-9_-]{43}$/;
/** last_used_at is coarse: written at most this often per token. */
const TOUCH_INTERVAL_MS = 3600_000;

export function generateApiToken(type: TokenType): string {
  return PREFIXES[type] + base64url(crypto.getRandomValues(new Uint8Array(32)));
}

/** What api_tokens.token_hash stores for a token. */
export function hashApiToken(token: string): Promise<Uint8Array<ArrayBuffer>> {
  return sha256(token);
}

/** SHA-256 of a presented secret with a token's shape, or null: anything else is not worth a lookup. */
export async function presentedTokenHash(token: string): Promise<Uint8Array<ArrayBuffer> | null> {
  return TOKEN_SHAPE.test(token) ? hashApiToken(token) : null;
}

/**
 * The live token with this hash, or null (unknown, revoked, expired). One statement; the hourly
 * last_used_at refresh and the consent facts for `receiptId` (a verified receipt's id, or null)
 * ride along in it. Run by the token lookup's Durable Object (worker/src/token-lookup.ts).
 */
export async function findApiToken(
  db: Db,
  hash: Uint8Array,
  now: Date,
  receiptId: string | null,
): Promise<AuthenticatedToken | null> {
  const touchBefore = new Date(now.getTime() - TOUCH_INTERVAL_MS);
  // One round trip, no transaction around it: the function sets the lookup context and reads under
  // it (migrations/0012_ingest_round_trips.sql, 0028_consent_rls.sql, 0050, 0082).
  const rows = await db.execute<TokenRow>(
    sql`select * from app_authenticate_api_token_with_receipt(${hash}, ${now}, ${touchBefore}, ${receiptId}::uuid)`,
  );
  const row = rows.rows[0];
  // The index found the row by equality; the constant-time check guards against any future change
  // of lookup (e.g. a prefix index) turning into a timing oracle.
  if (!row || !equalInConstantTime(new Uint8Array(row.token_hash), hash)) return null;
  return {
    id: row.id,
    tenantId: row.tenant_id,
    type: row.type,
    consent: {
      required: row.consent_required,
      policyVersion: row.policy_version,
      receiptWithdrawn: row.receipt_withdrawn,
    },
    plan: row.plan,
    limits: row.limits,
    routePatterns: row.route_patterns,
    browserLogText: row.browser_log_text,
    allowedOrigins: row.allowed_origins,
  };
}

export type NewApiToken = {
  name: string;
  description: string;
  type: TokenType;
  expiresAt: Date | null;
  createdBy: string | null;
};

/** Inside the tenant's transaction. The secret is returned here and never again. */
export async function createApiToken(tx: Tx, tenantId: string, input: NewApiToken) {
  const token = generateApiToken(input.type);
  const [row] = await tx
    .insert(apiTokens)
    .values({ ...input, tenantId, tokenHash: await hashApiToken(token) })
    .returning(publicColumns);
  return { ...row, token };
}

const publicColumns = {
  id: apiTokens.id,
  name: apiTokens.name,
  description: apiTokens.description,
  type: apiTokens.type,
  createdBy: apiTokens.createdBy,
  createdAt: apiTokens.createdAt,
  expiresAt: apiTokens.expiresAt,
  lastUsedAt: apiTokens.lastUsedAt,
};

export function listApiTokens(tx: Tx) {
  return tx.select(publicColumns).from(apiTokens).orderBy(desc(apiTokens.createdAt));
}

/** Revoking is deleting: null when the id is not one of this tenant's tokens. */
export async function deleteApiToken(tx: Tx, id: string): Promise<{ name: string; type: TokenType } | null> {
  const [row] = await tx
    .delete(apiTokens)
    .where(eq(apiTokens.id, id))
    .returning({ name: apiTokens.name, type: apiTokens.type });
  return row ?? null;
}
