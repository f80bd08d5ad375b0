// The ingest limit on /v1/* as wired by the OTLP route (SECURITY H38–H40): per tenant, weighted by
// the number of items, failing open for a short grace when the limiter is unreachable.
import { env } from "cloudflare:workers";
import { createExecutionContext, runInDurableObject, waitOnExecutionContext } from "cloudflare:test";
import { afterEach, describe, expect, it, vi } from "vitest";
import worker from "../../worker/src/index.ts";
import { failOpenGrace } from "../../worker/src/middleware/rate-limit.ts";
import { tenantKey } from "../../worker/src/rate-limit/keys.ts";
import { POLICIES } from "../../worker/src/rate-limit/policies.ts";
import { ORIGIN } from "./helpers.ts";
import { createTenant, nowNanos, randomHex } from "./support/telemetry.ts";

const FREE_INGEST = POLICIES.ingest.plans.free;

/** An OTLP/JSON traces request with `count` spans. */
function traces(token: string, count: number): Request {
  const spans = Array.from({ length: count }, () => ({
    traceId: randomHex(16),
    spanId: randomHex(8),
    name: "GET /",
    kind: 2,
    startTimeUnixNano: nowNanos(-5),
    endTimeUnixNano: nowNanos(),
  }));
  const body = { resourceSpans: [{ resource: { attributes: [] }, scopeSpans: [{ spans }] }] };
  return new Request(new URL("/v1/traces", ORIGIN), {
    method: "POST",
    headers: { Authorization: `Bearer ${token}`, "Content-Type": "application/json" },
    body: JSON.stringify(body),
  });
}

async function send(request: Request, bindings: Partial<Env> = {}): Promise<Response> {
  const ctx = createExecutionContext();
  const response = await worker.fetch(request, { ...env, ...bindings }, ctx);
  await waitOnExecutionContext(ctx);
  return response;
}

afterEach(() => {
  vi.restoreAllMocks();
  failOpenGrace.recordSuccess();
});

describe("ingest limit", () => {
  it("ratelimit: ingest spends one unit per span of the tenant's quota and answers 429 with Retry-After over it", async () => {
    const tenant = await createTenant();
    const stub = env.RATE_LIMITER.getByName(tenantKey(tenant.id));
    const frozen = Date.now();
    await runInDurableObject(stub, (instance) => {
      instance.clock = () => frozen;
    });
    const accepted = await send(traces(tenant.backend, 3));
    expect(accepted.status).toBe(200);
    expect(accepted.headers.get("RateLimit-Policy")).toBe(
      `"tenant";q=${FREE_INGEST.quota};w=${FREE_INGEST.windowSeconds}`,
    );
    expect(accepted.headers.get("RateLimit")).toBe(`"tenant";r=${FREE_INGEST.quota - 3};t=1`);
    await stub.consume("ingest", FREE_INGEST, FREE_INGEST.quota - 4);
    const refused = await send(traces(tenant.backend, 2));
    expect(refused.status).toBe(429);
    expect(refused.headers.get("RateLimit")).toBe('"tenant";r=1;t=1');
    expect(Number(refused.headers.get("Retry-After"))).toBeGreaterThanOrEqual(1);
    expect(refused.headers.get("Cache-Control")).toBe("no-store");
  });

  it("ratelimit: limiter down → ingest is admitted within the grace, logged with a counter, overloaded not retried", async () => {
    const warn = vi.spyOn(console, "warn").mockImplementation(() => {});
    let calls = 0;
    const failing = {
      getByName: () => ({
        consume: () => {
          calls++;
          return Promise.reject(
            Object.assign(new Error("Durable Object is overloaded"), { overloaded: true }),
          );
        },
      }),
    } as unknown as Env["RATE_LIMITER"];
    const tenant = await createTenant();
    const response = await send(traces(tenant.backend, 2), { RATE_LIMITER: failing });
    expect(response.status).toBe(200);
    expect(response.headers.get("RateLimit")).toBeNull();
    expect(calls).toBe(1);
    const logged = warn.mock.calls.map(([line]) => JSON.parse(String(line)));
    expect(logged).toContainEqual(
      expect.objectContaining({
        msg: "rate limiter unavailable: admitted (fail open)",
        surface: "ingest",
        keyKind: "tenant",
      }),
    );
  });
});
