// Sessions: an opaque 256-bit token in the cookie, only its SHA-256 in the database. Idle timeout
// 7 days, absolute 30 days (docs/accounts.md explains the deviation from ASVS's defaults). Every
// function takes `now` so that timeouts are tested with an injected clock.
import { and, desc, eq, sql } from "drizzle-orm";
import type { Db } from "../../../db/client.ts";
import type { Tx } from "../../../db/scope.ts";
import { sessions, type Role, type TenantPlan } from "../../../db/schema/index.ts";
import { base64url } from "../byte-encoding.ts";
import type { TenantLimits } from "../rate-limit/policies.ts";

export const SESSION_IDLE_MS = 7 * 24 * 3600_000;
export const SESSION_ABSOLUTE_MS = 30 * 24 * 3600_000;
/** last_seen_at is written at most this often, so a busy session does not write on every request. */
const TOUCH_INTERVAL_MS = 3600_000;

export type SignInMethod = "passkey" | "totp" | "recovery";
export type SessionUser = { id: string; email: string; name: string };
export type ActiveSession = {
  id: string;
  userId: string;
  method: string;
  createdAt: Date;
  expiresAt: Date;
  authenticatedAt: Date;
};

export function generateSessionToken(): string {
  return base64url(crypto.getRandomValues(new Uint8Array(32)));
}

export async function hashSessionToken(token: string): Promise<Uint8Array<ArrayBuffer>> {
  return new Uint8Array(await crypto.subtle.digest("SHA-256", new TextEncoder().encode(token)));
}

export type SessionCredentials = { id: string; token: string; tokenHash: Uint8Array<ArrayBuffer> };

/** A new session's id and token, made before its INSERT so that the INSERT can join a batch. */
export async function newSessionCredentials(): Promise<SessionCredentials> {
  const token = generateSessionToken();
  return { id: crypto.randomUUID(), token, tokenHash: await hashSessionToken(token) };
}

export async function insertSession(
  db: Db | Tx,
  credentials: SessionCredentials,
  input: { userId: string; method: SignInMethod; userAgent: string; now: Date },
): Promise<ActiveSession> {
  const [row] = await db
    .insert(sessions)
    .values({
      id: credentials.id,
      tokenHash: credentials.tokenHash,
      userId: input.userId,
      method: input.method,
      userAgent: input.userAgent.slice(0, 200),
      createdAt: input.now,
      lastSeenAt: input.now,
      authenticatedAt: input.now,
      expiresAt: new Date(input.now.getTime() + SESSION_ABSOLUTE_MS),
    })
    .returning();
  return row;
}

export async function createSession(
  db: Db,
  input: { userId: string; method: SignInMethod; userAgent: string; now: Date },
): Promise<{ token: string; session: ActiveSession }> {
  const credentials = await newSessionCredentials();
  return { token: credentials.token, session: await insertSession(db, credentials, input) };
}

/** The caller's role in the tenant the request's path names, that tenant's plan and its limits. */
export type SessionMembership = { tenantId: string; role: Role; plan: TenantPlan; limits: TenantLimits };

/**
 * The session and user behind a cookie token, or null when unknown, idle too long, past its
 * absolute expiry or the account is disabled. One statement (app_authenticate_session, migration
 * 0025): the hourly last_seen_at refresh rides along, and so does, when `tenantId` is given, the
 * user's membership there (null when not a member or no such tenant).
 */
export async function validateSessionToken(
  db: Db,
  token: string,
  now: Date,
  tenantId?: string,
): Promise<{ user: SessionUser; session: ActiveSession; membership: SessionMembership | null } | null> {
  const idleSince = new Date(now.getTime() - SESSION_IDLE_MS);
  const touchBefore = new Date(now.getTime() - TOUCH_INTERVAL_MS);
  const result = await db.execute<{
    id: string;
    user_id: string;
    method: string;
    created_at: string;
    expires_at: string;
    authenticated_at: string;
    email: string;
    name: string;
    role: Role | null;
    plan: TenantPlan | null;
    limits: TenantLimits | null;
  }>(sql`select * from app_authenticate_session(
    ${await hashSessionToken(token)}, ${now}, ${idleSince}, ${touchBefore}, ${tenantId ?? null}::uuid)`);
  const row = result.rows[0];
  if (!row) return null;
  return {
    user: { id: row.user_id, email: row.email, name: row.name },
    session: {
      id: row.id,
      userId: row.user_id,
      method: row.method,
      createdAt: new Date(row.created_at),
      expiresAt: new Date(row.expires_at),
      authenticatedAt: new Date(row.authenticated_at),
    },
    membership:
      tenantId && row.role && row.plan
        ? { tenantId, role: row.role, plan: row.plan, limits: row.limits ?? {} }
        : null,
  };
}

/** Step-up: a new token for the same session, freshly authenticated (the old cookie dies). */
export async function reauthenticateSession(db: Db, sessionId: string, now: Date): Promise<string> {
  const token = generateSessionToken();
  await db
    .update(sessions)
    .set({ tokenHash: await hashSessionToken(token), authenticatedAt: now, lastSeenAt: now })
    .where(eq(sessions.id, sessionId));
  return token;
}

export async function deleteSession(db: Db | Tx, sessionId: string): Promise<void> {
  await db.delete(sessions).where(eq(sessions.id, sessionId));
}

/** Ends one of the user's own sessions; false when it is not theirs (or already gone). */
export async function deleteUserSession(db: Db, userId: string, sessionId: string): Promise<boolean> {
  const deleted = await db
    .delete(sessions)
    .where(and(eq(sessions.id, sessionId), eq(sessions.userId, userId)))
    .returning({ id: sessions.id });
  return deleted.length > 0;
}

/** Sign out everywhere, or everywhere but the current session. */
export async function deleteUserSessions(db: Db, userId: string, exceptSessionId?: string): Promise<number> {
  const deleted = await db
    .delete(sessions)
    .where(
      exceptSessionId
        ? and(eq(sessions.userId, userId), sql`${sessions.id} <> ${exceptSessionId}`)
        : eq(sessions.userId, userId),
    )
    .returning({ id: sessions.id });
  return deleted.length;
}

export async function listUserSessions(db: Db, userId: string, now: Date) {
  const idleSince = new Date(now.getTime() - SESSION_IDLE_MS);
  return db
    .select({
      id: sessions.id,
      method: sessions.method,
      userAgent: sessions.userAgent,
      createdAt: sessions.createdAt,
      lastSeenAt: sessions.lastSeenAt,
      expiresAt: sessions.expiresAt,
    })
    .from(sessions)
    .where(
      and(
        eq(sessions.userId, userId),
        sql`${sessions.expiresAt} > ${now}`,
        sql`${sessions.lastSeenAt} > ${idleSince}`,
      ),
    )
    .orderBy(desc(sessions.lastSeenAt));
}
