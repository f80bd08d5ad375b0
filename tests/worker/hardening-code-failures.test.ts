// Hardening of code sign-in (issue "what an attacker tries next", item 8): wrong TOTP and recovery
// codes from every account and IP share one global budget; spraying spends it, the endpoint then
// slows everyone down (429 + Retry-After) and an alert is logged.
import { env } from "cloudflare:workers";
import { runInDurableObject } from "cloudflare:test";
import { afterEach, describe, expect, it, vi } from "vitest";
import type { RateLimiter } from "../../worker/src/rate-limiter.ts";
import { CODE_FAILURES_KEY } from "../../worker/src/rate-limit/keys.ts";
import { POLICIES } from "../../worker/src/rate-limit/policies.ts";
import { problemOf } from "./helpers.ts";
import { api, randomEmail } from "./support/accounts.ts";

const BUDGET = POLICIES.codes.plans.free;
const limiter = () => env.RATE_LIMITER.getByName(CODE_FAILURES_KEY);
const SIGN_IN_WITH_CODE = ["/api/auth/totp/signin", "/api/auth/recovery/signin"] as const;
const wrongCode = (path: string = SIGN_IN_WITH_CODE[0]) =>
  api(path, { json: { email: randomEmail(), code: "000000" } });

/** Leaves the budget as other test files expect it: untouched. */
afterEach(async () => {
  vi.restoreAllMocks();
  await runInDurableObject(limiter() as unknown as DurableObjectStub<RateLimiter>, (_, state) => {
    state.storage.sql.exec("DELETE FROM buckets WHERE surface = 'codes'");
  });
});

describe("hardening: global budget of wrong sign-in codes", () => {
  it("hardening: wrong codes spread over many accounts spend one global budget, and the failure that spends it logs an alert", async () => {
    await limiter().consume("codes", BUDGET, BUDGET.quota - 1);
    const alerts = vi.spyOn(console, "error");
    const response = await wrongCode();
    expect(response.status).toBe(401);
    expect(alerts.mock.calls.map(([line]) => String(line)).join("\n")).toContain(
      "alert: global sign-in code failure budget spent",
    );
  });

  it("hardening: a wrong recovery code spends the same global budget as a wrong TOTP code", async () => {
    await limiter().consume("codes", BUDGET, BUDGET.quota - 1);
    const response = await wrongCode("/api/auth/recovery/signin");
    expect(response.status).toBe(401);
    const blocked = await wrongCode("/api/auth/totp/signin");
    expect([blocked.status, (await problemOf(blocked)).code]).toEqual([429, "TOO_MANY_ATTEMPTS"]);
  });

  it.each(SIGN_IN_WITH_CODE)(
    "hardening: once the global budget is spent, code sign-in for any account answers 429 with Retry-After (%s)",
    async (path) => {
      await limiter().consume("codes", BUDGET, BUDGET.quota);
      const response = await wrongCode(path);
      expect(response.status).toBe(429);
      expect((await problemOf(response)).code).toBe("TOO_MANY_ATTEMPTS");
      expect(Number(response.headers.get("Retry-After"))).toBeGreaterThanOrEqual(1);
    },
  );
});
