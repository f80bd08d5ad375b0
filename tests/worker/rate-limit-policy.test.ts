import { describe, expect, it } from "vitest";
import { FailOpenGrace } from "../../worker/src/rate-limit/fail-open-grace.ts";
import { accountKey, ipKey } from "../../worker/src/rate-limit/keys.ts";
import { POLICIES, quotaFor } from "../../worker/src/rate-limit/policies.ts";
import { admit } from "../../worker/src/rate-limit/token-bucket.ts";

const NOW = 1_795_000_000_000_000; // µs

describe("token bucket (GCRA)", () => {
  it("admits exactly the burst at one instant, even when window/quota is not a whole number of µs", () => {
    const quota = { quota: 7, windowSeconds: 60 };
    let tat: number | null = null;
    let admitted = 0;
    for (let i = 0; i < 20; i++) {
      const result = admit(tat, quota, 1, NOW);
      if (result.allowed) admitted++;
      tat = result.tat;
    }
    expect(admitted).toBe(7);
  });

  it("hardening: a cost above the burst is charged in full and never admitted, not capped at the burst", () => {
    const quota = { quota: 10, windowSeconds: 60 };
    expect(admit(null, quota, 11, NOW)).toMatchObject({ allowed: false, remaining: 10 });
    expect(admit(null, quota, 10, NOW)).toMatchObject({ allowed: true, remaining: 0 });
  });
});

describe("rate limit policies", () => {
  it("applies the operator's per-tenant limit over the plan's quota, surface by surface", () => {
    const limits = { ingest: { quota: 1_000_000, windowSeconds: 60 } };
    expect(quotaFor("ingest", "free", limits)).toEqual({ quota: 1_000_000, windowSeconds: 60 });
    expect(quotaFor("ingest", "free")).toEqual(POLICIES.ingest.plans.free);
    expect(quotaFor("api", "pro", limits)).toEqual(POLICIES.api.plans.pro);
  });

  it("fails auth surfaces closed and ingest open", () => {
    expect([POLICIES.auth.failure, POLICIES.signin.failure, POLICIES.ingest.failure]).toEqual([
      "closed",
      "closed",
      "open",
    ]);
  });

  it("ends the fail-open grace after its duration and restarts it after a success", () => {
    const grace = new FailOpenGrace(30_000);
    expect(grace.admitDuringOutage(0)).toBe(true);
    expect(grace.admitDuringOutage(29_999)).toBe(true);
    expect(grace.admitDuringOutage(30_000)).toBe(false);
    expect(grace.admittedUnlimited).toBe(2);
    grace.recordSuccess();
    expect(grace.admitDuringOutage(100_000)).toBe(true);
  });
});

describe("rate limit keys", () => {
  const request = (headers: Record<string, string>) => new Request("http://x", { headers });

  it("hashes the connecting IP with the secret and never exposes it raw", async () => {
    const key = await ipKey(request({ "CF-Connecting-IP": "192.0.2.7" }), "secret-a");
    expect(key).toMatch(/^ip:[0-9a-f]{64}$/);
    expect(key).not.toContain("192.0.2.7");
    expect(await ipKey(request({ "CF-Connecting-IP": "192.0.2.7" }), "secret-b")).not.toBe(key);
  });

  it("ignores X-Forwarded-For and X-Real-IP when the platform reported no IP", async () => {
    expect(
      await ipKey(request({ "X-Forwarded-For": "192.0.2.7", "X-Real-IP": "192.0.2.7" }), "s"),
    ).toBeNull();
  });

  it("keys sign-in attempts by the normalized email, whether or not the account exists", async () => {
    expect(await accountKey(" Ada@Example.com ", "s")).toBe(await accountKey("ada@example.com", "s"));
    expect(await accountKey("ada@example.com", "s")).toMatch(/^account:[0-9a-f]{64}$/);
  });

  it("refuses to hash without a configured secret", async () => {
    await expect(accountKey("ada@example.com", "")).rejects.toThrow("RATE_LIMIT_SALT");
  });
});
