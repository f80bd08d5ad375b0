// Cookie sessions for the API. `loadSession` reads the cookie (no database work without one);
// `requireUser` answers 401 SESSION_REQUIRED without a live session and sets c.var.user and
// c.var.session; `requireFreshAuth` additionally needs a sign-in or step-up in the last 10 minutes.
// On a tenant's path the same statement also reads the caller's membership there (c.var.membership,
// used by requireTenantRole): one round trip for "who is this and may they see this tenant".
import type { Context } from "hono";
import { deleteCookie, getCookie, setCookie } from "hono/cookie";
import { recordAuditEvent } from "../auth/audit.ts";
import { inOneRoundTrip, type Tx } from "../../../db/scope.ts";
import {
  deleteSession,
  insertSession,
  newSessionCredentials,
  reauthenticateSession,
  validateSessionToken,
  type ActiveSession,
  type SessionMembership,
  type SessionUser,
  type SignInMethod,
} from "../auth/sessions.ts";
import { recordSignInBrowser, sendNotice } from "../email/account-mail.ts";
import { factory, type AppEnv } from "../env.ts";
import { HttpError } from "../errors.ts";
import { pathTenantId } from "./path-tenant.ts";

export const SESSION_COOKIE = "__Host-sightline_session";
export const FRESH_AUTH_MS = 10 * 60_000;

/** Loads the session once per request; later calls reuse it (and `loadSession` is this as middleware). */
export async function sessionOf(
  c: Context<AppEnv>,
): Promise<{ user: SessionUser; session: ActiveSession } | null> {
  if (c.var.session) return { user: c.var.user, session: c.var.session };
  const token = getCookie(c, SESSION_COOKIE);
  if (!token || token.length > 100) return null;
  const found = await validateSessionToken(c.var.db, token, new Date(), pathTenantId(c));
  if (found) {
    c.set("user", found.user);
    c.set("session", found.session);
    c.set("membership", found.membership);
  }
  return found;
}

/**
 * The caller's membership in `tenantId`: normally read with the session already; a session loaded
 * before the tenant was known is checked again, with the tenant.
 */
export async function membershipIn(c: Context<AppEnv>, tenantId: string): Promise<SessionMembership | null> {
  if (c.var.membership?.tenantId === tenantId) return c.var.membership;
  const token = getCookie(c, SESSION_COOKIE);
  const found = token ? await validateSessionToken(c.var.db, token, new Date(), tenantId) : null;
  return found?.session.id === c.var.session?.id ? (found?.membership ?? null) : null;
}

/** Optional session: c.var.user / c.var.session are set when the cookie holds a live session. */
export const loadSession = factory.createMiddleware(async (c, next) => {
  await sessionOf(c);
  await next();
});

export const requireUser = factory.createMiddleware(async (c, next) => {
  if (!(await sessionOf(c))) throw new HttpError(401, "SESSION_REQUIRED");
  await next();
});

export const requireFreshAuth = factory.createMiddleware(async (c, next) => {
  await assertFreshAuth(c);
  await next();
});

/** For routes where only some requests are sensitive (an invitation for an owner or admin). */
export async function assertFreshAuth(c: Context<AppEnv>): Promise<void> {
  const found = await sessionOf(c);
  if (!found) throw new HttpError(401, "SESSION_REQUIRED");
  if (Date.now() - found.session.authenticatedAt.getTime() > FRESH_AUTH_MS) {
    throw new HttpError(403, "REAUTH_REQUIRED", "Confirm it's you with a passkey or an authenticator code");
  }
}

export function setSessionCookie(c: Context<AppEnv>, token: string, expiresAt: Date): void {
  setCookie(c, SESSION_COOKIE, token, {
    httpOnly: true,
    secure: true,
    sameSite: "Lax",
    path: "/",
    expires: expiresAt,
  });
}

export function clearSessionCookie(c: Context<AppEnv>): void {
  deleteCookie(c, SESSION_COOKIE, { httpOnly: true, secure: true, sameSite: "Lax", path: "/" });
}

/**
 * Signs the user in: a brand-new session and token (whatever cookie came in is never adopted, and
 * a session it still names is ended), the cookie, an audit event, and a notice when the account
 * has never been used from this browser before. `alongside` is a statement of the caller's that
 * belongs with the sign-in (a passkey's new counter): it goes in the same batch.
 */
export async function startSession(
  c: Context<AppEnv>,
  user: SessionUser,
  method: SignInMethod,
  alongside?: (tx: Tx) => Promise<unknown>,
): Promise<void> {
  const previous = await sessionOf(c);
  const credentials = await newSessionCredentials();
  const now = new Date();
  // Ending the old session, starting the new one, auditing it and recording the browser (for the
  // new-browser notice): one batch, one round trip.
  const { session, browser } = await inOneRoundTrip(c.var.db, async (tx) => {
    const [, , started, , seen] = await Promise.all([
      alongside?.(tx),
      previous && deleteSession(tx, previous.session.id),
      insertSession(tx, credentials, {
        userId: user.id,
        method,
        userAgent: c.req.header("User-Agent") ?? "",
        now,
      }),
      recordAuditEvent(tx, {
        action: "auth.signin",
        actorUserId: user.id,
        requestId: c.var.requestId,
        details: { method, sessionId: credentials.id },
      }),
      recordSignInBrowser(tx, c, user.id, now),
    ]);
    return { session: started, browser: seen };
  });
  c.set("user", user);
  c.set("session", session);
  setSessionCookie(c, credentials.token, session.expiresAt);
  if (browser.newBrowser) await sendNotice(c, "notice.new-device", user);
}

/** Step-up succeeded: the session gets a new token (the old cookie dies) and a fresh auth time. */
export async function markReauthenticated(c: Context<AppEnv>, method: "passkey" | "totp"): Promise<void> {
  const now = new Date();
  const token = await reauthenticateSession(c.var.db, c.var.session.id, now);
  setSessionCookie(c, token, c.var.session.expiresAt);
  await recordAuditEvent(c.var.db, {
    action: "auth.reauth",
    actorUserId: c.var.user.id,
    requestId: c.var.requestId,
    details: { method, sessionId: c.var.session.id },
  });
}
