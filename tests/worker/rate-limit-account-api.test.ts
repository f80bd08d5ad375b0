// The per-account `api` limit on signed-in routes outside a tenant (SECURITY H38).
import { env } from "cloudflare:workers";
import { runInDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { accountKey } from "../../worker/src/rate-limit/keys.ts";
import { POLICIES } from "../../worker/src/rate-limit/policies.ts";
import { problemOf } from "./helpers.ts";
import { api, signUp } from "./support/accounts.ts";

const ACCOUNT_API = POLICIES.api.plans.free;

/** The account's limiter, with its clock frozen for the whole test. */
async function frozenAccountLimiter(email: string) {
  const stub = env.RATE_LIMITER.getByName(await accountKey(email, env.RATE_LIMIT_SALT));
  const frozen = Date.now();
  await runInDurableObject(stub, (instance) => {
    instance.clock = () => frozen;
  });
  return stub;
}

describe("account API limit", () => {
  it("ratelimit: signed-in requests outside a tenant carry the account's limit and get 429 over it", async () => {
    const user = await signUp();
    const limiter = await frozenAccountLimiter(user.user.email);
    const policy = `"account";q=${ACCOUNT_API.quota};w=${ACCOUNT_API.windowSeconds}`;
    for (const path of ["/api/me", "/api/sessions", "/api/auth/passkeys", "/api/tenants"]) {
      const response = await api(path, { cookie: user.cookie });
      expect(response.status, path).toBe(200);
      expect(response.headers.get("RateLimit-Policy"), path).toBe(policy);
    }
    await limiter.consume("api", ACCOUNT_API, ACCOUNT_API.quota - 4);
    const refused = await api("/api/me", { cookie: user.cookie });
    expect(refused.status).toBe(429);
    expect((await problemOf(refused)).code).toBe("RATE_LIMITED");
    expect(refused.headers.get("RateLimit")).toBe('"account";r=0;t=1');
    expect(Number(refused.headers.get("Retry-After"))).toBeGreaterThanOrEqual(1);
  });

  it("does not limit a request without a live session here (it gets its 401 without RateLimit headers)", async () => {
    const response = await api("/api/me");
    expect(response.status).toBe(401);
    expect(response.headers.get("RateLimit")).toBeNull();
  });
});
