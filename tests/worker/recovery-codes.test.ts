// Recovery codes (SECURITY.md B11): 10 from the CSPRNG, stored salted and hashed, single-use even
// under concurrency, throttled, and a new set voids the old one.
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { connect, problemOf } from "./helpers.ts";
import { api, sessionCookieOf, signUp, type Account } from "./support/accounts.ts";

async function generateCodes(account: Account): Promise<string[]> {
  const response = await api("/api/auth/recovery-codes", { method: "POST", cookie: account.cookie });
  expect(response.status).toBe(200);
  return ((await response.json()) as { codes: string[] }).codes;
}

function recoverySignin(email: string, code: string) {
  return api("/api/auth/recovery/signin", { json: { email, code } });
}

describe("recovery codes", () => {
  it("recovery: 10 distinct codes of 50 bits, stored only as salted hashes", async () => {
    const account = await signUp();
    const codes = await generateCodes(account);
    expect(codes).toHaveLength(10);
    expect(new Set(codes).size).toBe(10);
    for (const code of codes) expect(code).toMatch(/^[0-9a-z]{5}-[0-9a-z]{5}$/);
    const owner = await connect(env.TEST_OWNER_DATABASE_URL);
    const { rows } = await owner.query("SELECT salt, code_hash FROM recovery_codes WHERE user_id = $1", [
      account.user.id,
    ]);
    await owner.end();
    expect(rows).toHaveLength(10);
    expect(new Set(rows.map((row) => Buffer.from(row.salt).toString("hex"))).size).toBe(10);
    const stored = JSON.stringify(rows.map((row) => Buffer.from(row.code_hash).toString("latin1")));
    for (const code of codes) expect(stored).not.toContain(code.replace("-", ""));
  });

  it("recovery: a code signs in once; the second use is rejected", async () => {
    const account = await signUp();
    const [code] = await generateCodes(account);
    const first = await recoverySignin(account.user.email, code.toUpperCase().replace("-", " "));
    expect(first.status).toBe(200);
    expect(sessionCookieOf(first)).toBeDefined();
    const second = await recoverySignin(account.user.email, code);
    expect(second.status).toBe(401);
    expect((await problemOf(second)).code).toBe("RECOVERY_CODE_INVALID");
  });

  it("recovery: two concurrent uses of one code: exactly one succeeds", async () => {
    const account = await signUp();
    const [code] = await generateCodes(account);
    const results = await Promise.all([1, 2, 3].map(() => recoverySignin(account.user.email, code)));
    expect(results.map((response) => response.status).sort()).toEqual([200, 401, 401]);
  });

  it("recovery: regenerating voids the previous set", async () => {
    const account = await signUp();
    const old = await generateCodes(account);
    const fresh = await generateCodes(account);
    expect((await recoverySignin(account.user.email, old[0])).status).toBe(401);
    expect((await recoverySignin(account.user.email, fresh[0])).status).toBe(200);
  });

  it("recovery: wrong codes are throttled per account", async () => {
    const account = await signUp();
    const [code] = await generateCodes(account);
    for (let i = 0; i < 5; i++)
      expect((await recoverySignin(account.user.email, "aaaaa-aaaaa")).status).toBe(401);
    const locked = await recoverySignin(account.user.email, code);
    expect(locked.status).toBe(429);
    expect(Number(locked.headers.get("Retry-After"))).toBeGreaterThan(0);
  });
});
