// Sign-up and passkey sign-in through the real verifier with a software authenticator
// (SECURITY.md A1–A6).
import { env } from "cloudflare:workers";
import { asc } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { createDb, useLocalRelay } from "../../db/client.ts";
import { auditEvents } from "../../db/schema/index.ts";
import { withUser } from "../../db/user-scope.ts";
import { connect, problemOf } from "./helpers.ts";
import {
  api,
  randomEmail,
  sessionCookieOf,
  signinOptions,
  signUp,
  signupOptions,
} from "./support/accounts.ts";
import { SoftwareAuthenticator } from "./support/software-authenticator.ts";

async function verifySignin(response: unknown, cookie?: string) {
  return api("/api/auth/passkey/verify", { json: { response }, cookie });
}

async function expectPasskeyFailure(response: Response) {
  expect(response.status).toBe(401);
  expect((await problemOf(response)).code).toBe("PASSKEY_VERIFICATION_FAILED");
}

/** The user's account-level audit events, read as the app role in that user's RLS context. */
async function auditActions(userId: string): Promise<{ action: string; details: Record<string, unknown> }[]> {
  useLocalRelay(env.DB_WS_PROXY);
  const { db, pool } = createDb(env.DATABASE_URL);
  try {
    return await withUser(db, userId, (tx) =>
      tx
        .select({ action: auditEvents.action, details: auditEvents.details })
        .from(auditEvents)
        .orderBy(asc(auditEvents.id)),
    );
  } finally {
    await pool.end();
  }
}

describe("sign-up", () => {
  it("creates the account, its first passkey and a __Host- session cookie", async () => {
    const account = await signUp();
    expect(account.user.email).toMatch(/@example\.com$/);
    const me = await api("/api/me", { cookie: account.cookie });
    expect(me.status).toBe(200);
    const body = await me.json();
    expect(body).toMatchObject({ user: account.user, passkeys: 1, totpEnabled: false, memberships: [] });
    expect((await auditActions(account.user.id)).map((event) => event.action)).toEqual([
      "auth.signup",
      "auth.signin",
    ]);
  });

  it("sets the cookie HttpOnly, Secure, SameSite=Lax, Path=/ and without Domain", async () => {
    const passkey = await SoftwareAuthenticator.create();
    const options = await signupOptions(randomEmail());
    const response = await api("/api/auth/signup/verify", {
      json: { response: await passkey.register(options) },
    });
    const line = response.headers
      .getSetCookie()
      .find((value) => value.startsWith("__Host-sightline_session="))!;
    expect(line).toMatch(/; HttpOnly/);
    expect(line).toMatch(/; Secure/);
    expect(line).toMatch(/; SameSite=Lax/);
    expect(line).toMatch(/; Path=\//);
    expect(line).not.toMatch(/Domain=/i);
    expect(sessionCookieOf(response)).toMatch(/^[A-Za-z0-9_-]{43}$/);
  });

  it("asks for a resident key and user verification, and names the RP ID", async () => {
    const options = await signupOptions(randomEmail());
    expect(options.rp.id).toBe("localhost");
    expect(options.authenticatorSelection).toMatchObject({
      residentKey: "required",
      userVerification: "required",
    });
    expect(options.attestation).toBe("none");
  });

  it("answers 409 EMAIL_TAKEN for an email that already has an account", async () => {
    const account = await signUp();
    const response = await api("/api/auth/signup/options", {
      json: { email: account.user.email.toUpperCase(), name: "B" },
    });
    expect(response.status).toBe(409);
    expect((await problemOf(response)).code).toBe("EMAIL_TAKEN");
  });

  it("names the invalid field with 400 INVALID_REQUEST", async () => {
    const response = await api("/api/auth/signup/options", { json: { email: "not-an-email", name: "A" } });
    expect(response.status).toBe(400);
    const problem = await problemOf(response);
    expect(problem.code).toBe("INVALID_REQUEST");
    expect(problem.detail).toMatch(/^email/);
  });

  it("webauthn: a registration from a foreign origin is rejected", async () => {
    for (const origin of ["http://localhost:9999", "https://localhost:8787", "http://evil.example"]) {
      const passkey = await SoftwareAuthenticator.create();
      const options = await signupOptions(randomEmail());
      const response = await api("/api/auth/signup/verify", {
        json: { response: await passkey.register(options, { origin }) },
      });
      await expectPasskeyFailure(response);
    }
  });

  it("webauthn: a registration for a foreign RP ID is rejected", async () => {
    const passkey = await SoftwareAuthenticator.create();
    const options = await signupOptions(randomEmail());
    const response = await api("/api/auth/signup/verify", {
      json: { response: await passkey.register(options, { rpId: "evil.example" }) },
    });
    await expectPasskeyFailure(response);
  });

  it("webauthn: a registration without user verification is rejected", async () => {
    const passkey = await SoftwareAuthenticator.create();
    const options = await signupOptions(randomEmail());
    const response = await api("/api/auth/signup/verify", {
      json: { response: await passkey.register(options, { userVerified: false }) },
    });
    await expectPasskeyFailure(response);
  });

  it("webauthn: a credential id longer than 1023 bytes is rejected", async () => {
    const passkey = await SoftwareAuthenticator.create({ credentialIdBytes: 1024 });
    const options = await signupOptions(randomEmail());
    const response = await api("/api/auth/signup/verify", {
      json: { response: await passkey.register(options) },
    });
    await expectPasskeyFailure(response);
  });

  it("webauthn: a credential id already registered to another user is rejected", async () => {
    const first = await signUp();
    const options = await signupOptions(randomEmail());
    const response = await api("/api/auth/signup/verify", {
      json: { response: await first.authenticator.register(options) },
    });
    await expectPasskeyFailure(response);
  });

  it("webauthn: a sign-up challenge is single-use", async () => {
    const passkey = await SoftwareAuthenticator.create();
    const options = await signupOptions(randomEmail());
    const registration = await passkey.register(options);
    expect((await api("/api/auth/signup/verify", { json: { response: registration } })).status).toBe(201);
    await expectPasskeyFailure(await api("/api/auth/signup/verify", { json: { response: registration } }));
  });
});

describe("passkey sign-in", () => {
  it("signs in by email (options list no credentials: no enumeration) and by discoverable credential without", async () => {
    const account = await signUp();
    const byEmail = await signinOptions(account.user.email);
    expect(byEmail.allowCredentials ?? []).toEqual([]);
    expect(byEmail.userVerification).toBe("required");
    const first = await verifySignin(await account.authenticator.authenticate(byEmail));
    expect(first.status).toBe(200);
    expect(((await first.json()) as { user: unknown }).user).toEqual(account.user);

    const discoverable = await signinOptions();
    expect(discoverable.allowCredentials ?? []).toEqual([]);
    const second = await verifySignin(await account.authenticator.authenticate(discoverable));
    expect(second.status).toBe(200);
    const cookie = sessionCookieOf(second)!;
    expect((await api("/api/me", { cookie })).status).toBe(200);
  });

  it("webauthn: a replayed assertion is rejected", async () => {
    const account = await signUp();
    const assertion = await account.authenticator.authenticate(await signinOptions());
    expect((await verifySignin(assertion)).status).toBe(200);
    await expectPasskeyFailure(await verifySignin(assertion));
  });

  it("webauthn: two parallel verifies of one challenge: exactly one succeeds", async () => {
    const account = await signUp();
    const assertion = await account.authenticator.authenticate(await signinOptions());
    const results = await Promise.all([
      verifySignin(assertion),
      verifySignin(assertion),
      verifySignin(assertion),
    ]);
    expect(results.map((response) => response.status).sort()).toEqual([200, 401, 401]);
  });

  it("webauthn: an assertion after the challenge's 5-minute TTL is rejected", async () => {
    const account = await signUp();
    const options = await signinOptions();
    const owner = await connect(env.TEST_OWNER_DATABASE_URL);
    await owner.query(
      "UPDATE webauthn_challenges SET expires_at = now() - interval '1 second' WHERE challenge = $1",
      [options.challenge],
    );
    await owner.end();
    await expectPasskeyFailure(await verifySignin(await account.authenticator.authenticate(options)));
  });

  it("webauthn: a challenge issued for another ceremony is rejected", async () => {
    const account = await signUp();
    const signupChallenge = await signupOptions(randomEmail());
    const assertion = await account.authenticator.authenticate(await signinOptions(), {
      challenge: signupChallenge.challenge,
    });
    await expectPasskeyFailure(await verifySignin(assertion));
  });

  it("webauthn: an assertion from a foreign origin or for a foreign RP ID is rejected", async () => {
    const account = await signUp();
    for (const overrides of [
      { origin: "http://localhost:8788" },
      { origin: "https://localhost:8787" },
      { origin: "https://tenant-site.example" },
      { rpId: "example.com" },
    ]) {
      await expectPasskeyFailure(
        await verifySignin(await account.authenticator.authenticate(await signinOptions(), overrides)),
      );
    }
  });

  it("webauthn: an assertion without user verification (UV=0) is rejected", async () => {
    const account = await signUp();
    const assertion = await account.authenticator.authenticate(await signinOptions(), {
      userVerified: false,
    });
    await expectPasskeyFailure(await verifySignin(assertion));
  });

  it("webauthn: user B's credential in user A's ceremony is rejected", async () => {
    const alice = await signUp();
    const bob = await signUp();
    const aliceOptions = await signinOptions(alice.user.email);
    await expectPasskeyFailure(await verifySignin(await bob.authenticator.authenticate(aliceOptions)));
  });

  it("webauthn: user B's userHandle with user A's credential is rejected", async () => {
    const alice = await signUp();
    const bob = await signUp();
    const assertion = await alice.authenticator.authenticate(await signinOptions(), {
      userHandle: bob.authenticator.userHandle,
    });
    await expectPasskeyFailure(await verifySignin(assertion));
  });

  it("webauthn: a counter that does not grow (10 stored, 5 or 10 received) is rejected and audited", async () => {
    const account = await signUp(await SoftwareAuthenticator.create({ signCount: 9 }));
    expect((await verifySignin(await account.authenticator.authenticate(await signinOptions()))).status).toBe(
      200,
    );
    for (const signCount of [5, 10]) {
      const assertion = await account.authenticator.authenticate(await signinOptions(), { signCount });
      await expectPasskeyFailure(await verifySignin(assertion));
    }
    const regressions = (await auditActions(account.user.id)).filter(
      (event) => event.action === "auth.passkey_failed" && event.details.reason === "counter-regression",
    );
    expect(regressions).toHaveLength(2);
  });

  it("webauthn: a synced passkey that always reports counter 0 keeps working", async () => {
    const account = await signUp();
    for (let i = 0; i < 2; i++) {
      const assertion = await account.authenticator.authenticate(await signinOptions(), { signCount: 0 });
      expect((await verifySignin(assertion)).status).toBe(200);
    }
  });

  it("webauthn: an unknown credential gets the same generic 401", async () => {
    const stranger = await SoftwareAuthenticator.create();
    await expectPasskeyFailure(await verifySignin(await stranger.authenticate(await signinOptions())));
  });
});
