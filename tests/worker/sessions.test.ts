// Sessions (SECURITY.md C13–C16, API.md step-up): hashed tokens, rotation on sign-in and step-up,
// server-side logout and revocation, idle and absolute timeouts with an injected clock.
import { env } from "cloudflare:workers";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createDb, useLocalRelay, type DbHandle } from "../../db/client.ts";
import { createSession, hashSessionToken, validateSessionToken } from "../../worker/src/auth/sessions.ts";
import { connect, problemOf } from "./helpers.ts";
import { api, sessionCookieOf, signinOptions, signUp, type Account } from "./support/accounts.ts";
import { signUpWithTotp, totpCode } from "./support/totp.ts";
import type { SoftwareAuthenticator } from "./support/software-authenticator.ts";

const DAY = 24 * 3600_000;
let handle: DbHandle;
beforeAll(() => {
  useLocalRelay(env.DB_WS_PROXY);
  handle = createDb(env.DATABASE_URL);
});
afterAll(() => handle.pool.end());

async function asOwner(query: string, params: unknown[]): Promise<void> {
  const owner = await connect(env.TEST_OWNER_DATABASE_URL);
  try {
    await owner.query(query, params);
  } finally {
    await owner.end();
  }
}

async function passkeySignin(account: Account, cookie?: string): Promise<Response> {
  const response = await account.authenticator.authenticate(await signinOptions());
  return api("/api/auth/passkey/verify", { json: { response }, cookie });
}

async function expectSessionRequired(cookie: string): Promise<void> {
  const response = await api("/api/me", { cookie });
  expect(response.status).toBe(401);
  expect((await problemOf(response)).code).toBe("SESSION_REQUIRED");
}

/** Step-up of `account`'s session with an assertion signed by `authenticator` (its own or not). */
async function reauthWithPasskey(account: Account, authenticator: SoftwareAuthenticator): Promise<Response> {
  const options = await api("/api/auth/reauth/passkey/options", { method: "POST", cookie: account.cookie });
  const assertion = await authenticator.authenticate(await options.json());
  return api("/api/auth/reauth/passkey/verify", { json: { response: assertion }, cookie: account.cookie });
}

describe("session tokens", () => {
  it("session: the token has 256 bits and only its SHA-256 is stored", async () => {
    const account = await signUp();
    const owner = await connect(env.TEST_OWNER_DATABASE_URL);
    const { rows } = await owner.query("SELECT token_hash FROM sessions WHERE user_id = $1", [
      account.user.id,
    ]);
    await owner.end();
    expect(rows).toHaveLength(1);
    expect(new Uint8Array(rows[0].token_hash)).toEqual(await hashSessionToken(account.cookie));
    expect(JSON.stringify(rows)).not.toContain(account.cookie);
  });

  it("answers 401 SESSION_REQUIRED without a cookie or with an unknown one", async () => {
    expect((await problemOf(await api("/api/me"))).code).toBe("SESSION_REQUIRED");
    await expectSessionRequired("a".repeat(43));
  });

  it("session: a new id on sign-in; the cookie from before sign-in is dead", async () => {
    const account = await signUp();
    const response = await passkeySignin(account, account.cookie);
    const fresh = sessionCookieOf(response)!;
    expect(fresh).not.toBe(account.cookie);
    await expectSessionRequired(account.cookie);
    expect((await api("/api/me", { cookie: fresh })).status).toBe(200);
  });

  it("session: a cookie planted before sign-in is never adopted", async () => {
    const account = await signUp();
    const planted = "p".repeat(43);
    const response = await passkeySignin(account, planted);
    expect(sessionCookieOf(response)).not.toBe(planted);
    await expectSessionRequired(planted);
  });
});

describe("logout and revocation", () => {
  it("session: after logout the same cookie gets 401 and the cookie is cleared", async () => {
    const account = await signUp();
    const response = await api("/api/auth/logout", { method: "POST", cookie: account.cookie });
    expect(response.status).toBe(204);
    expect(response.headers.getSetCookie().join()).toMatch(/__Host-sightline_session=;.*Max-Age=0/);
    await expectSessionRequired(account.cookie);
  });

  it("session: a session revoked from another one fails on its very next request", async () => {
    const account = await signUp();
    const other = sessionCookieOf(await passkeySignin(account))!;
    const list = await api("/api/sessions", { cookie: account.cookie });
    const sessions = (await list.json()) as { id: string; current: boolean }[];
    expect(sessions).toHaveLength(2);
    const target = sessions.find((session) => !session.current)!;
    expect(
      (await api(`/api/sessions/${target.id}`, { method: "DELETE", cookie: account.cookie })).status,
    ).toBe(204);
    await expectSessionRequired(other);
    expect((await api("/api/me", { cookie: account.cookie })).status).toBe(200);
  });

  it("another user's session id answers 404 and stays alive", async () => {
    const alice = await signUp();
    const bob = await signUp();
    const bobSessions = (await (await api("/api/sessions", { cookie: bob.cookie })).json()) as {
      id: string;
    }[];
    const response = await api(`/api/sessions/${bobSessions[0].id}`, {
      method: "DELETE",
      cookie: alice.cookie,
    });
    expect(response.status).toBe(404);
    expect((await api("/api/me", { cookie: bob.cookie })).status).toBe(200);
  });

  it("sign out everywhere ends every other session and keeps this one", async () => {
    const account = await signUp();
    const others = [
      sessionCookieOf(await passkeySignin(account))!,
      sessionCookieOf(await passkeySignin(account))!,
    ];
    expect((await api("/api/sessions", { method: "DELETE", cookie: account.cookie })).status).toBe(204);
    for (const cookie of others) await expectSessionRequired(cookie);
    expect((await api("/api/me", { cookie: account.cookie })).status).toBe(200);
  });

  it("session: a disabled account's sessions get 401", async () => {
    const account = await signUp();
    await asOwner("UPDATE users SET disabled_at = now() WHERE id = $1", [account.user.id]);
    await expectSessionRequired(account.cookie);
  });
});

describe("timeouts", () => {
  it("session: idle for more than 7 days → no session (injected clock)", async () => {
    const account = await signUp();
    const start = new Date();
    const { token } = await createSession(handle.db, {
      userId: account.user.id,
      method: "passkey",
      userAgent: "",
      now: start,
    });
    expect(
      await validateSessionToken(handle.db, token, new Date(start.getTime() + 7 * DAY - 60_000)),
    ).not.toBeNull();
    // That use slid the idle window forward...
    expect(
      await validateSessionToken(handle.db, token, new Date(start.getTime() + 14 * DAY - 120_000)),
    ).not.toBeNull();
    // ...but a 7-day gap ends it.
    expect(await validateSessionToken(handle.db, token, new Date(start.getTime() + 21 * DAY))).toBeNull();
  });

  it("session: older than 30 days → no session even when used every day (injected clock)", async () => {
    const account = await signUp();
    const start = new Date();
    const { token } = await createSession(handle.db, {
      userId: account.user.id,
      method: "passkey",
      userAgent: "",
      now: start,
    });
    for (let day = 1; day < 30; day += 2) {
      expect(
        await validateSessionToken(handle.db, token, new Date(start.getTime() + day * DAY)),
      ).not.toBeNull();
    }
    expect(
      await validateSessionToken(handle.db, token, new Date(start.getTime() + 30 * DAY + 1000)),
    ).toBeNull();
  });

  it("session: the idle timeout applies to real requests (last use backdated 8 days)", async () => {
    const account = await signUp();
    await asOwner("UPDATE sessions SET last_seen_at = now() - interval '8 days' WHERE user_id = $1", [
      account.user.id,
    ]);
    await expectSessionRequired(account.cookie);
  });

  it("session: a request within the hour does not rewrite last_seen_at", async () => {
    const account = await signUp();
    const owner = await connect(env.TEST_OWNER_DATABASE_URL);
    const before = await owner.query("SELECT last_seen_at FROM sessions WHERE user_id = $1", [
      account.user.id,
    ]);
    await api("/api/me", { cookie: account.cookie });
    const after = await owner.query("SELECT last_seen_at FROM sessions WHERE user_id = $1", [
      account.user.id,
    ]);
    await owner.end();
    expect(after.rows[0].last_seen_at).toEqual(before.rows[0].last_seen_at);
  });
});

describe("step-up", () => {
  async function stale(account: Account): Promise<void> {
    await asOwner("UPDATE sessions SET authenticated_at = now() - interval '11 minutes' WHERE user_id = $1", [
      account.user.id,
    ]);
  }

  it("step-up: sensitive operations more than 10 minutes after sign-in → 403 REAUTH_REQUIRED", async () => {
    const account = await signUp();
    await stale(account);
    for (const [method, path] of [
      ["POST", "/api/auth/totp/setup"],
      ["POST", "/api/auth/recovery-codes"],
      ["POST", "/api/auth/passkeys/options"],
      ["DELETE", "/api/auth/totp"],
    ]) {
      const response = await api(path, { method, cookie: account.cookie });
      expect(response.status, path).toBe(403);
      expect((await problemOf(response)).code).toBe("REAUTH_REQUIRED");
    }
  });

  it("step-up: a passkey re-check issues a new cookie, kills the old one and allows the operation", async () => {
    const account = await signUp();
    await stale(account);
    const verify = await reauthWithPasskey(account, account.authenticator);
    expect(verify.status).toBe(204);
    const fresh = sessionCookieOf(verify)!;
    expect(fresh).not.toBe(account.cookie);
    await expectSessionRequired(account.cookie);
    expect((await api("/api/auth/recovery-codes", { method: "POST", cookie: fresh })).status).toBe(200);
  });

  it("step-up: another user's passkey cannot re-authenticate this session", async () => {
    const alice = await signUp();
    const bob = await signUp();
    await stale(alice);
    const verify = await reauthWithPasskey(alice, bob.authenticator);
    expect(verify.status).toBe(401);
    expect((await problemOf(verify)).code).toBe("PASSKEY_VERIFICATION_FAILED");
  });

  it("step-up: an authenticator code re-check works once", async () => {
    const account = await signUpWithTotp();
    await stale(account);
    const code = await totpCode(account.secret, 30);
    const verify = await api("/api/auth/reauth/totp", { json: { code }, cookie: account.cookie });
    expect(verify.status).toBe(204);
    const fresh = sessionCookieOf(verify)!;
    await expectSessionRequired(account.cookie);
    const replay = await api("/api/auth/reauth/totp", { json: { code }, cookie: fresh });
    expect(replay.status).toBe(401);
    expect((await problemOf(replay)).code).toBe("TOTP_INVALID");
  });
});
