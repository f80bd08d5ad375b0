// The per-tenant `api` limit on /api/tenants/:tid/* (SECURITY H38): spent by a member's session
// or the tenant's backend token, only once the caller is proven to belong to the tenant.
import { env, exports } from "cloudflare:workers";
import { runInDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { tenantKey } from "../../worker/src/rate-limit/keys.ts";
import { POLICIES } from "../../worker/src/rate-limit/policies.ts";
import { ORIGIN, problemOf } from "./helpers.ts";
import { createTenant } from "./support/telemetry.ts";

const FREE_API = POLICIES.api.plans.free;

function read(tenantId: string, token: string): Promise<Response> {
  return exports.default.fetch(
    new Request(new URL(`/api/tenants/${tenantId}/services`, ORIGIN), {
      headers: { Authorization: `Bearer ${token}` },
    }),
  );
}

/** The tenant's limiter with a frozen clock, and `units` of its api bucket already spent. */
async function tenantLimiter(tenantId: string, units: number) {
  const stub = env.RATE_LIMITER.getByName(tenantKey(tenantId));
  const frozen = Date.now();
  await runInDurableObject(stub, (instance) => {
    instance.clock = () => frozen;
  });
  if (units > 0) await stub.consume("api", FREE_API, units);
  return stub;
}

describe("tenant API limit", () => {
  it("ratelimit: a backend token's telemetry reads spend the tenant's api quota, then get 429", async () => {
    const tenant = await createTenant();
    await tenantLimiter(tenant.id, FREE_API.quota - 1);
    const last = await read(tenant.id, tenant.backend);
    expect(last.status).toBe(200);
    expect(last.headers.get("RateLimit-Policy")).toBe(
      `"tenant";q=${FREE_API.quota};w=${FREE_API.windowSeconds}`,
    );
    expect(last.headers.get("RateLimit")).toBe('"tenant";r=0;t=1');
    const refused = await read(tenant.id, tenant.backend);
    expect(refused.status).toBe(429);
    expect((await problemOf(refused)).code).toBe("RATE_LIMITED");
    expect(refused.headers.get("Retry-After")).toBe("1");
  });

  it("ratelimit: a throttled tenant does not slow another, and another tenant's token spends nothing of it", async () => {
    const [noisy, quiet] = await Promise.all([createTenant(), createTenant()]);
    await tenantLimiter(noisy.id, FREE_API.quota);
    expect((await read(noisy.id, noisy.backend)).status).toBe(429);
    const stub = await tenantLimiter(quiet.id, 0);
    expect((await read(noisy.id, quiet.backend)).status).toBe(404);
    expect((await stub.inspect({ api: FREE_API })).api.remaining).toBe(FREE_API.quota);
    const answer = await read(quiet.id, quiet.backend);
    expect(answer.status).toBe(200);
    expect(answer.headers.get("RateLimit")).toBe(`"tenant";r=${FREE_API.quota - 1};t=1`);
  });
});
