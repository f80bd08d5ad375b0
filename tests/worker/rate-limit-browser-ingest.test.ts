// Frontend tokens are public (they sit in every page of the site), so browser ingest has a bucket
// per connecting IP in front of the tenant's: one abusive client is refused there, without
// spending the tenant's ingest quota that every real visitor shares.
import { env } from "cloudflare:workers";
import { createExecutionContext, runInDurableObject, waitOnExecutionContext } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import worker from "../../worker/src/index.ts";
import { ipKey, tenantKey } from "../../worker/src/rate-limit/keys.ts";
import { POLICIES } from "../../worker/src/rate-limit/policies.ts";
import { ORIGIN } from "./helpers.ts";
import { createTenant, nowNanos, randomHex } from "./support/telemetry.ts";

const SHOP = "https://shop.example";
const BROWSER = POLICIES.browser.plans.free;
const INGEST = POLICIES.ingest.plans.free;

function browserTraces(token: string, ip: string, count: number): Request {
  const spans = Array.from({ length: count }, () => ({
    traceId: randomHex(16),
    spanId: randomHex(8),
    name: "browser.page_view",
    kind: 1,
    startTimeUnixNano: nowNanos(-5),
    endTimeUnixNano: nowNanos(),
  }));
  return new Request(new URL("/v1/traces", ORIGIN), {
    method: "POST",
    headers: {
      Authorization: `Bearer ${token}`,
      "Content-Type": "application/json",
      Origin: SHOP,
      "CF-Connecting-IP": ip,
    },
    body: JSON.stringify({ resourceSpans: [{ resource: { attributes: [] }, scopeSpans: [{ spans }] }] }),
  });
}

async function send(request: Request): Promise<Response> {
  const ctx = createExecutionContext();
  const response = await worker.fetch(request, env, ctx);
  await waitOnExecutionContext(ctx);
  return response;
}

describe("browser ingest limit", () => {
  it("ratelimit: a frontend token is limited per IP before the tenant's quota is spent", async () => {
    const tenant = await createTenant([SHOP]);
    const abuser = `198.51.100.${Math.floor(Math.random() * 250) + 1}`;
    const key = await ipKey(
      new Request(ORIGIN, { headers: { "CF-Connecting-IP": abuser } }),
      env.RATE_LIMIT_SALT,
    );
    // A frozen clock for the abuser's object: the bucket refills continuously, and on a slow
    // machine enough units would come back before the request to let it through.
    const frozen = Date.now();
    await runInDurableObject(env.RATE_LIMITER.getByName(key!), (instance) => {
      instance.clock = () => frozen;
    });
    await env.RATE_LIMITER.getByName(key!).consume("browser", BROWSER, BROWSER.quota - 2);

    const refused = await send(browserTraces(tenant.frontend, abuser, 5));
    expect(refused.status).toBe(429);
    expect(Number(refused.headers.get("Retry-After"))).toBeGreaterThanOrEqual(1);
    const [tenantBucket] = Object.values(
      await env.RATE_LIMITER.getByName(tenantKey(tenant.id)).inspect({ ingest: INGEST }),
    );
    expect(tenantBucket.remaining).toBe(INGEST.quota);

    const visitor = await send(browserTraces(tenant.frontend, "203.0.113.9", 5));
    expect(visitor.status).toBe(200);
    expect(visitor.headers.get("RateLimit-Policy")).toContain(`"tenant";q=${INGEST.quota}`);
  });

  it("ratelimit: backend tokens are not limited per IP", async () => {
    const tenant = await createTenant();
    const ip = `192.0.2.${Math.floor(Math.random() * 250) + 1}`;
    const key = await ipKey(
      new Request(ORIGIN, { headers: { "CF-Connecting-IP": ip } }),
      env.RATE_LIMIT_SALT,
    );
    await env.RATE_LIMITER.getByName(key!).consume("browser", BROWSER, BROWSER.quota);
    const request = browserTraces(tenant.backend, ip, 5);
    request.headers.delete("Origin");
    expect((await send(request)).status).toBe(200);
  });
});
