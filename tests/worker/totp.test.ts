// TOTP (SECURITY.md B7–B10, B12): RFC vectors, the ±1 step window, single use under concurrency,
// per-account throttling that new sessions do not reset, and setup/enable rules.
import { env } from "cloudflare:workers";
import { generate } from "otplib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createDb, useLocalRelay, type DbHandle } from "../../db/client.ts";
import { accountKey, recordFailure, throttleDelay } from "../../worker/src/auth/sign-in-throttle.ts";
import { matchTotpStep } from "../../worker/src/auth/totp.ts";
import { problemOf } from "./helpers.ts";
import { api, randomEmail, sessionCookieOf, signUp } from "./support/accounts.ts";
import { signUpWithTotp, totpCode } from "./support/totp.ts";

const RFC_SEED = new TextEncoder().encode("12345678901234567890");

let handle: DbHandle;
beforeAll(() => {
  useLocalRelay(env.DB_WS_PROXY);
  handle = createDb(env.DATABASE_URL);
});
afterAll(() => handle.pool.end());

function totpSignin(email: string, code: string) {
  return api("/api/auth/totp/signin", { json: { email, code } });
}

describe("TOTP codes", () => {
  it("totp: RFC 6238 appendix B and RFC 4226 appendix D vectors pass", async () => {
    const vectors: [number, string][] = [
      [59, "94287082"],
      [1111111109, "07081804"],
      [2000000000, "69279037"],
      [20000000000, "65353130"],
    ];
    for (const [epoch, expected] of vectors) {
      expect(await generate({ secret: RFC_SEED, epoch, digits: 8, algorithm: "sha1" })).toBe(expected);
    }
    expect(await generate({ strategy: "hotp", secret: RFC_SEED, counter: 0 })).toBe("755224");
    expect(await generate({ strategy: "hotp", secret: RFC_SEED, counter: 1 })).toBe("287082");
  });

  it("totp: codes from steps T±1 are accepted and T±2 rejected", async () => {
    const now = new Date(1_700_000_015_000); // 15 s into a step
    const step = Math.floor(now.getTime() / 30_000);
    const codeAt = (offsetSteps: number) => generate({ secret: RFC_SEED, epoch: (step + offsetSteps) * 30 });
    for (const offset of [-1, 0, 1])
      expect(await matchTotpStep(RFC_SEED, await codeAt(offset), now)).toBe(step + offset);
    for (const offset of [-2, 2]) expect(await matchTotpStep(RFC_SEED, await codeAt(offset), now)).toBeNull();
  });
});

describe("TOTP sign-in", () => {
  it("signs in with email and a current code, with a new session cookie", async () => {
    const account = await signUpWithTotp();
    const response = await totpSignin(account.user.email, await totpCode(account.secret, 30));
    expect(response.status).toBe(200);
    expect(((await response.json()) as { user: unknown }).user).toEqual(account.user);
    const cookie = sessionCookieOf(response)!;
    expect(cookie).not.toBe(account.cookie);
    expect((await api("/api/me", { cookie })).status).toBe(200);
  });

  it("totp: the same code twice: the second is rejected", async () => {
    const account = await signUpWithTotp();
    const code = await totpCode(account.secret, 30);
    expect((await totpSignin(account.user.email, code)).status).toBe(200);
    const replay = await totpSignin(account.user.email, code);
    expect(replay.status).toBe(401);
    expect((await problemOf(replay)).code).toBe("TOTP_INVALID");
  });

  it("totp: two concurrent submissions of one code: exactly one succeeds", async () => {
    const account = await signUpWithTotp();
    const code = await totpCode(account.secret, 30);
    const results = await Promise.all([1, 2, 3].map(() => totpSignin(account.user.email, code)));
    expect(results.map((response) => response.status).sort()).toEqual([200, 401, 401]);
  });

  it("totp: an unknown email answers exactly like a wrong code", async () => {
    const account = await signUpWithTotp();
    const unknown = await totpSignin(randomEmail(), "123456");
    const wrong = await totpSignin(
      account.user.email,
      (Number(await totpCode(account.secret)) ^ 1).toString().padStart(6, "0"),
    );
    for (const response of [unknown, wrong]) {
      expect(response.status).toBe(401);
      const { code, detail, title } = await problemOf(response);
      expect({ code, detail, title }).toEqual({
        code: "TOTP_INVALID",
        detail: "Wrong or already used code",
        title: "Unauthorized",
      });
    }
  });

  it("totp: after 5 failures further attempts get 429 with Retry-After, even with the right code and a new session", async () => {
    const account = await signUpWithTotp();
    for (let i = 0; i < 5; i++) expect((await totpSignin(account.user.email, "000000")).status).toBe(401);
    const locked = await api("/api/auth/totp/signin", {
      json: { email: account.user.email, code: await totpCode(account.secret, 30) },
      cookie: account.cookie,
    });
    expect(locked.status).toBe(429);
    expect((await problemOf(locked)).code).toBe("TOO_MANY_ATTEMPTS");
    expect(Number(locked.headers.get("Retry-After"))).toBeGreaterThan(0);
    // The same account through a recovery code shares the count.
    const recovery = await api("/api/auth/recovery/signin", {
      json: { email: account.user.email, code: "x" },
    });
    expect(recovery.status).toBe(429);
  });

  it("totp: unknown emails are throttled like real ones", async () => {
    const email = randomEmail();
    for (let i = 0; i < 5; i++) expect((await totpSignin(email, "000000")).status).toBe(401);
    expect((await totpSignin(email, "000000")).status).toBe(429);
  });

  it("totp: the throttling delay grows with every further failure (injected clock)", async () => {
    const key = await accountKey(randomEmail());
    const start = Date.UTC(2030, 0, 1);
    const at = (seconds: number) => new Date(start + seconds * 1000);
    for (let i = 0; i < 4; i++) await recordFailure(handle.db, key, at(i));
    expect(await throttleDelay(handle.db, key, at(4))).toBe(0);
    await recordFailure(handle.db, key, at(4));
    expect(await throttleDelay(handle.db, key, at(4))).toBe(60);
    expect(await throttleDelay(handle.db, key, at(64))).toBe(0);
    await recordFailure(handle.db, key, at(64));
    expect(await throttleDelay(handle.db, key, at(64))).toBe(120);
    await recordFailure(handle.db, key, at(184));
    expect(await throttleDelay(handle.db, key, at(184))).toBe(240);
    // 100 failures: capped at an hour, never unlimited attempts.
    for (let i = 0; i < 100; i++) await recordFailure(handle.db, key, at(200 + i));
    expect(await throttleDelay(handle.db, key, at(299))).toBe(3600);
  });
});

describe("TOTP setup", () => {
  it("totp: enabling needs a valid code and then the secret is never shown again", async () => {
    const account = await signUp();
    const setup = await api("/api/auth/totp/setup", { method: "POST", cookie: account.cookie });
    const body = (await setup.json()) as { secret: string; otpauthUri: string };
    expect(body.secret).toMatch(/^[A-Z2-7]{32}$/);
    expect(body.otpauthUri).toMatch(/^otpauth:\/\/totp\/Sightline:/);
    expect(body.otpauthUri).toContain(`secret=${body.secret}`);
    const wrong = await api("/api/auth/totp/enable", { json: { code: "000000" }, cookie: account.cookie });
    expect(wrong.status).toBe(400);
    expect((await problemOf(wrong)).code).toBe("TOTP_INVALID");
    const me = await api("/api/me", { cookie: account.cookie });
    expect(((await me.json()) as { totpEnabled: boolean }).totpEnabled).toBe(false);
    const ok = await api("/api/auth/totp/enable", {
      json: { code: await totpCode(body.secret) },
      cookie: account.cookie,
    });
    expect(ok.status).toBe(204);
    const again = await api("/api/auth/totp/setup", { method: "POST", cookie: account.cookie });
    expect(again.status).toBe(409);
    expect(JSON.stringify(await again.json())).not.toContain(body.secret);
    const after = await api("/api/me", { cookie: account.cookie });
    expect(((await after.json()) as { totpEnabled: boolean }).totpEnabled).toBe(true);
  });

  it("totp: a code from a pending secret does not sign in", async () => {
    const account = await signUp();
    const setup = await api("/api/auth/totp/setup", { method: "POST", cookie: account.cookie });
    const { secret } = (await setup.json()) as { secret: string };
    expect((await totpSignin(account.user.email, await totpCode(secret))).status).toBe(401);
  });

  it("turning TOTP off is refused when it is the last way to sign in", async () => {
    const account = await signUpWithTotp();
    const passkeys = (await (await api("/api/auth/passkeys", { cookie: account.cookie })).json()) as {
      id: string;
    }[];
    expect(
      (await api(`/api/auth/passkeys/${passkeys[0].id}`, { method: "DELETE", cookie: account.cookie }))
        .status,
    ).toBe(204);
    const off = await api("/api/auth/totp", { method: "DELETE", cookie: account.cookie });
    expect(off.status).toBe(409);
    expect((await problemOf(off)).code).toBe("LAST_CREDENTIAL");
  });
});
