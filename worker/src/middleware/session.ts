// Cookie sessions for the API. `loadSession` reads the cookie (no database work without one);
// `requireUser` answers 401 SESSION_REQUIRED without a live session and sets c.var.user and
// c.var.session; `requireFreshAuth` additionally needs a sign-in or step-up in the last 10 minutes.
import type { Context } from "hono";
import { deleteCookie, getCookie, setCookie } from "hono/cookie";
import { validateSessionToken, type ActiveSession, type SessionUser } from "../auth/sessions.ts";
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
