// Account erasure (SECURITY.md C15, F30, F31; API.md "Account data"): DELETE /api/account disables
// the account at once, ends every session and revokes the tokens of tenants only the user belongs
// to; the account is restorable with its passkey until day 30 and purged by the retention job after.
import { env } from "cloudflare:workers";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createDb, useLocalRelay, type DbHandle } from "../../db/client.ts";
import { createSession } from "../../worker/src/auth/sessions.ts";
import { deletedAccounts } from "../../worker/src/retention/deleted-accounts.ts";
import { connect, problemOf } from "./helpers.ts";
import { api, sessionCookieOf, signinOptions, signUp, type Account } from "./support/accounts.ts";
import { DAY } from "./support/privacy.ts";
import {
  createToken,
  makeSessionStale,
  signedInUser,
  tenantWithRoles,
  type TestUser,
} from "./support/tenancy.ts";
import { postOtlp } from "./support/telemetry.ts";

let handle: DbHandle;
beforeAll(() => {
  useLocalRelay(env.DB_WS_PROXY);
  handle = createDb(env.DATABASE_URL);
});
afterAll(() => handle.pool.end());

const testUser = (account: Account): TestUser => ({ ...account.user, cookie: account.cookie });
const deleteAccount = (cookie: string) => api("/api/account", { method: "DELETE", cookie });

/** Moves the deletion request `days` days into the past (the restore window is checked against it). */
async function requestedDaysAgo(userId: string, days: number): Promise<void> {
  const owner = await connect(env.TEST_OWNER_DATABASE_URL);
  try {
    await owner.query("UPDATE account_deletions SET requested_at = $2 WHERE user_id = $1", [
      userId,
      new Date(Date.now() - days * DAY),
    ]);
  } finally {
    await owner.end();
  }
}

async function ingest(token: string): Promise<number> {
  const response = await postOtlp("traces", JSON.stringify({ resourceSpans: [] }), {
    token,
    contentType: "application/json",
  });
  return response.status;
}

async function passkeySignIn(account: Account): Promise<Response> {
  const response = await account.authenticator.authenticate(await signinOptions());
  return api("/api/auth/passkey/verify", { json: { response } });
}

async function restore(account: Account, email?: string): Promise<Response> {
  const options = await api("/api/account/restore/options", { json: email ? { email } : {} });
  expect(options.status).toBe(200);
  const response = await account.authenticator.authenticate(await options.json());
  return api("/api/account/restore/verify", { json: { response } });
}

describe("DELETE /api/account", () => {
  it("answers 401 SESSION_REQUIRED without a session", async () => {
    const response = await deleteAccount("");
    expect(response.status).toBe(401);
    expect((await problemOf(response)).code).toBe("SESSION_REQUIRED");
  });

  it("needs a sign-in in the last 10 minutes: 403 REAUTH_REQUIRED", async () => {
    const user = await signedInUser();
    await makeSessionStale(user);
    const response = await deleteAccount(user.cookie);
    expect(response.status).toBe(403);
    expect((await problemOf(response)).code).toBe("REAUTH_REQUIRED");
  });

  it("refuses a cross-origin request: 403 CSRF_REJECTED", async () => {
    const user = await signedInUser();
    const response = await api("/api/account", {
      method: "DELETE",
      cookie: user.cookie,
      headers: { Origin: "https://evil.example" },
    });
    expect(response.status).toBe(403);
    expect((await problemOf(response)).code).toBe("CSRF_REJECTED");
  });

  it("erasure: answers 202, and every session of the account is dead on its next request", async () => {
    const account = await signUp();
    const other = await createSession(handle.db, {
      userId: account.user.id,
      method: "passkey",
      userAgent: "phone",
      now: new Date(),
    });
    const before = Date.now();
    const response = await deleteAccount(account.cookie);
    expect(response.status).toBe(202);
    const body = (await response.json()) as {
      status: string;
      purgeAfter: string;
      tenantsToDelete: unknown[];
    };
    expect(body.status).toBe("scheduled");
    expect(new Date(body.purgeAfter).getTime()).toBeGreaterThanOrEqual(before + 30 * DAY - 1000);
    expect(body.tenantsToDelete).toEqual([]);
    expect(response.headers.getSetCookie().join()).toMatch(/__Host-sightline_session=;/);
    for (const cookie of [account.cookie, other.token]) {
      const me = await api("/api/me", { cookie });
      expect(me.status).toBe(401);
      expect((await problemOf(me)).code).toBe("SESSION_REQUIRED");
    }
  });

  it("erasure: tokens of a tenant only they belong to stop working on the next ingest (401)", async () => {
    const account = await signUp();
    const created = await api("/api/tenants", { json: { name: "Solo" }, cookie: account.cookie });
    expect(created.status).toBe(201);
    const tenant = (await created.json()) as { id: string; name: string };
    const { token } = await createToken(tenant.id, testUser(account));
    expect(await ingest(token)).toBe(200);

    const response = await deleteAccount(account.cookie);
    expect(response.status).toBe(202);
    expect(((await response.json()) as { tenantsToDelete: unknown[] }).tenantsToDelete).toEqual([tenant]);
    expect(await ingest(token)).toBe(401);
  });

  it("erasure: the last owner of a tenant others belong to is refused with 409 LAST_OWNER, and nothing changes", async () => {
    const tenant = await tenantWithRoles();
    const { owner } = tenant.users;
    const response = await deleteAccount(owner.cookie);
    expect(response.status).toBe(409);
    const problem = await problemOf(response);
    expect(problem.code).toBe("LAST_OWNER");
    expect(problem.detail).toMatch(/last owner of "Tenant .+"/);
    expect((await api("/api/me", { cookie: owner.cookie })).status).toBe(200);
  });

  it("erasure: an owner who is not the last owner may leave", async () => {
    const tenant = await tenantWithRoles();
    const second = await signedInUser();
    const owner = await connect(env.DATABASE_URL);
    try {
      await owner.query("BEGIN");
      await owner.query("SELECT set_config('app.tenant_id', $1, true)", [tenant.id]);
      await owner.query("INSERT INTO memberships (tenant_id, user_id, role) VALUES ($1, $2, 'owner')", [
        tenant.id,
        second.id,
      ]);
      await owner.query("COMMIT");
    } finally {
      await owner.end();
    }
    expect((await deleteAccount(tenant.users.owner.cookie)).status).toBe(202);
  });
});

describe("restoring and purging", () => {
  it("retention: a deleted account cannot sign in, and is restorable at day 29 by signing in and confirming", async () => {
    const account = await signUp();
    expect((await deleteAccount(account.cookie)).status).toBe(202);
    const refused = await passkeySignIn(account);
    expect(refused.status).toBe(401);
    expect((await problemOf(refused)).code).toBe("PASSKEY_VERIFICATION_FAILED");

    await requestedDaysAgo(account.user.id, 29);
    expect((await passkeySignIn(account)).status).toBe(401);
    const restored = await restore(account, account.user.email);
    expect(restored.status, await restored.clone().text()).toBe(200);
    expect(((await restored.json()) as Account).user).toEqual(account.user);
    const me = await api("/api/me", { cookie: sessionCookieOf(restored) });
    expect(me.status).toBe(200);
    expect((await passkeySignIn(account)).status).toBe(200);
  });

  it("retention: past day 30 the account can no longer be restored: 409 NOT_RESTORABLE", async () => {
    const account = await signUp();
    expect((await deleteAccount(account.cookie)).status).toBe(202);
    await requestedDaysAgo(account.user.id, 31);
    const response = await restore(account);
    expect(response.status).toBe(409);
    expect((await problemOf(response)).code).toBe("NOT_RESTORABLE");
  });

  it("restoring an account that was never deleted is refused: 409 NOT_RESTORABLE", async () => {
    const account = await signUp();
    const response = await restore(account);
    expect(response.status).toBe(409);
    expect((await problemOf(response)).code).toBe("NOT_RESTORABLE");
  });

  it("retention: a deleted account is purged by the retention job at day 31", async () => {
    const account = await signUp();
    expect((await deleteAccount(account.cookie)).status).toBe(202);
    await requestedDaysAgo(account.user.id, 31);
    await deletedAccounts.run(handle.db, new Date());
    const owner = await connect(env.TEST_OWNER_DATABASE_URL);
    try {
      for (const table of ["users", "passkeys", "sessions"]) {
        const column = table === "users" ? "id" : "user_id";
        const { rows } = await owner.query(`SELECT count(*)::int AS n FROM ${table} WHERE ${column} = $1`, [
          account.user.id,
        ]);
        expect(rows, table).toEqual([{ n: 0 }]);
      }
    } finally {
      await owner.end();
    }
    expect((await passkeySignIn(account)).status).toBe(401);
  });
});
