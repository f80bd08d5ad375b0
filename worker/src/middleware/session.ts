// Cookie sessions for the API. `loadSession` reads the cookie (no database work without one);
// `requireUser` answers 401 SESSION_REQUIRED without a live session and sets c.var.user and
// c.var.session; `requireFreshAuth` additionally needs a sign-in or step-up in the last 10 minutes.
import type { Context } from "hono";
import { deleteCookie, getCookie, setCookie } from "hono/cookie";
import { recordAuditEvent } from "../auth/audit.ts";
import {
  createSession,
  deleteSession,
  reauthenticateSession,
  validateSessionToken,
  type ActiveSession,
  type SessionUser,
  type SignInMethod,
} from "../auth/sessions.ts";
import { noticeIfNewBrowser } from "../email/account-mail.ts";
import { factory, type AppEnv } from "../env.ts";
import { HttpError } from "../errors.ts";

export const SESSION_COOKIE = "__Host-sightline_session";
export const FRESH_AUTH_MS = 10 * 60_000;

/** Loads the session once per request; later calls reuse it. */
async function sessionOf(c: Context<AppEnv>): Promise<{ user: SessionUser; session: ActiveSession } | null> {
  if (c.var.session) return { user: c.var.user, session: c.var.session };
  const token = getCookie(c, SESSION_COOKIE);
  if (!token || token.length > 100) return null;
  const found = await validateSessionToken(c.var.db, token, new Date());
  if (found) {
    c.set("user", found.user);
    c.set("session", found.session);
  }
  return found;
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
  const found = await sessionOf(c);
  if (!found) throw new HttpError(401, "SESSION_REQUIRED");
  if (Date.now() - found.session.authenticatedAt.getTime() > FRESH_AUTH_MS) {
    throw new HttpError(403, "REAUTH_REQUIRED", "Confirm it's you with a passkey or an authenticator code");
  }
  await next();
});

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
 * has never been used from this browser before.
 */
export async function startSession(
  c: Context<AppEnv>,
  user: SessionUser,
  method: SignInMethod,
): Promise<void> {
  const previous = await sessionOf(c);
  if (previous) await deleteSession(c.var.db, previous.session.id);
  const { token, session } = await createSession(c.var.db, {
    userId: user.id,
    method,
    userAgent: c.req.header("User-Agent") ?? "",
    now: new Date(),
  });
  c.set("user", user);
  c.set("session", session);
  setSessionCookie(c, token, session.expiresAt);
  await recordAuditEvent(c.var.db, {
    action: "auth.signin",
    actorUserId: user.id,
    requestId: c.var.requestId,
    details: { method, sessionId: session.id },
  });
  await noticeIfNewBrowser(c, user);
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
