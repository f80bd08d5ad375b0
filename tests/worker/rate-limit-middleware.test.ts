import { env } from "cloudflare:workers";
import { createExecutionContext, runInDurableObject, waitOnExecutionContext } from "cloudflare:test";
import { Hono } from "hono";
import { afterEach, describe, expect, it, vi } from "vitest";
import type { AppEnv } from "../../worker/src/env.ts";
import { handleError, HttpError } from "../../worker/src/errors.ts";
import { apiHeaders } from "../../worker/src/middleware/api-headers.ts";
import {
  failOpenGrace,
  limitAuthByIp,
  limitSignInAttempts,
  rateLimit,
} from "../../worker/src/middleware/rate-limit.ts";
import { requestId } from "../../worker/src/middleware/request-id.ts";
import { accountKey, ipKey, tenantKey, type LimitKey } from "../../worker/src/rate-limit/keys.ts";
import { problemOf } from "./helpers.ts";

// The middleware in a minimal app built from the Worker's own pieces (request id, API headers,
// error model), against the real RateLimiter namespace.
const SECRET = "test-rate-limit-salt";
const app = new Hono<AppEnv>()
  .use("*", requestId, apiHeaders)
  .post("/auth", limitAuthByIp, (c) =>
    c.req.query("fail") ? Promise.reject(new HttpError(401, "TOTP_INVALID")) : c.json({ ok: true }),
  )
  .post("/signin", async (c) => {
    await limitSignInAttempts(c, c.req.query("email") ?? "");
    throw new HttpError(401, "TOTP_INVALID");
  })
  .post(
    "/ingest/:tenant",
    rateLimit("ingest", (c) => ({
      key: tenantKey(c.req.param("tenant") ?? ""),
      weight: Number(c.req.query("spans")),
    })),
    (c) => c.json({}),
  )
  .onError(handleError);

async function send(path: string, headers: Record<string, string> = {}, bindings: Partial<Env> = {}) {
  const ctx = createExecutionContext();
  const response = await app.fetch(
    new Request(`http://localhost:8787${path}`, { method: "POST", headers }),
    { ...env, RATE_LIMIT_SALT: SECRET, ...bindings },
    ctx,
  );
  await waitOnExecutionContext(ctx);
  return response;
}

/** Freezes the clock of `key`'s limiter object at the current time. */
async function freeze(key: LimitKey): Promise<void> {
  const frozen = Date.now();
  await runInDurableObject(env.RATE_LIMITER.getByName(key), (instance) => {
    instance.clock = () => frozen;
  });
}

/** A fresh client IP whose limiter object reads a frozen clock. */
async function frozenClient() {
  const ip = `203.0.113.${Math.floor(Math.random() * 250)}:${crypto.randomUUID()}`;
  await freeze((await ipKey(new Request("http://x", { headers: { "CF-Connecting-IP": ip } }), SECRET))!);
  return { "CF-Connecting-IP": ip };
}

/** A namespace whose objects fail like the platform's do, counting the calls that reach it. */
function failingNamespace(error: Error & { retryable?: boolean; overloaded?: boolean }) {
  const calls = { count: 0 };
  const namespace = {
    getByName: () => ({
      consume: () => {
        calls.count += 1;
        return Promise.reject(error);
      },
    }),
  } as unknown as Env["RATE_LIMITER"];
  return { namespace, calls };
}

const overloaded = () =>
  Object.assign(new Error("Durable Object is overloaded"), { retryable: true, overloaded: true });

afterEach(() => {
  vi.restoreAllMocks();
  failOpenGrace.recordSuccess();
});

describe("rate limit middleware", () => {
  it("sets RateLimit-Policy and RateLimit with exact values on every admitted response", async () => {
    const client = await frozenClient();
    const first = await send("/auth", client);
    expect(first.status).toBe(200);
    expect(first.headers.get("RateLimit-Policy")).toBe('"ip";q=60;w=300');
    expect(first.headers.get("RateLimit")).toBe('"ip";r=59;t=5');
    const second = await send("/auth", client);
    expect(second.headers.get("RateLimit")).toBe('"ip";r=58;t=5');
  });

  it("keeps the headers when the limited handler itself answers with an error", async () => {
    const response = await send("/auth?fail=1", await frozenClient());
    expect(response.status).toBe(401);
    expect(response.headers.get("RateLimit")).toBe('"ip";r=59;t=5');
  });

  it("ratelimit: over quota → 429 RATE_LIMITED problem+json with RateLimit-Policy, RateLimit, Retry-After ≥ t, not cached", async () => {
    const client = await frozenClient();
    for (let i = 0; i < 60; i++) expect((await send("/auth", client)).status).toBe(200);
    const refused = await send("/auth", client);
    expect(refused.status).toBe(429);
    expect(refused.headers.get("RateLimit-Policy")).toBe('"ip";q=60;w=300');
    expect(refused.headers.get("RateLimit")).toBe('"ip";r=0;t=5');
    expect(Number(refused.headers.get("Retry-After"))).toBeGreaterThanOrEqual(5);
    expect(refused.headers.get("Cache-Control")).toBe("no-store");
    const problem = await problemOf(refused);
    expect(problem).toMatchObject({ status: 429, code: "RATE_LIMITED", title: "Too Many Requests" });
    expect(problem.requestId).toBe(refused.headers.get("X-Request-Id"));
  });

  it("admits no more than the quota when twice the quota arrives in parallel", async () => {
    const client = await frozenClient();
    const statuses = await Promise.all(
      Array.from({ length: 120 }, () => send("/auth", client).then((r) => r.status)),
    );
    expect(statuses.filter((s) => s === 200)).toHaveLength(60);
    expect(statuses.filter((s) => s === 429)).toHaveLength(60);
  });

  it("ratelimit: the key comes from CF-Connecting-IP only, never from X-Forwarded-For or X-Real-IP", async () => {
    const client = await frozenClient();
    for (let i = 0; i < 60; i++) {
      await send("/auth", {
        ...client,
        "X-Forwarded-For": `198.51.100.${i}`,
        "X-Real-IP": `198.51.100.${i}`,
      });
    }
    expect((await send("/auth", { ...client, "X-Forwarded-For": "192.0.2.1" })).status).toBe(429);
    expect(
      (await send("/auth", { ...(await frozenClient()), "X-Forwarded-For": "198.51.100.0" })).status,
    ).toBe(200);
  });

  it("weighs ingest by the number of spans in the batch", async () => {
    const tenant = crypto.randomUUID();
    await freeze(tenantKey(tenant));
    const response = await send(`/ingest/${tenant}?spans=2500`);
    expect(response.headers.get("RateLimit-Policy")).toBe('"tenant";q=10000;w=60');
    expect(response.headers.get("RateLimit")).toMatch(/^"tenant";r=7500;t=\d+$/);
    expect((await send(`/ingest/${tenant}?spans=7501`)).status).toBe(429);
  });

  it("charges an empty batch one unit and treats a non-integer weight as a bug (500), not an outage", async () => {
    const tenant = crypto.randomUUID();
    expect((await send(`/ingest/${tenant}?spans=0`)).headers.get("RateLimit")).toMatch(/^"tenant";r=9999;/);
    const warn = vi.spyOn(console, "warn");
    vi.spyOn(console, "error").mockImplementation(() => {});
    expect((await send(`/ingest/${tenant}?spans=abc`)).status).toBe(500);
    expect(warn).not.toHaveBeenCalled();
  });
});

describe("sign-in attempts per account", () => {
  /** A fresh email whose account limiter reads a frozen clock. */
  async function frozenAccount() {
    const email = `${crypto.randomUUID()}@example.com`;
    await freeze(await accountKey(email, SECRET));
    return email;
  }

  it("stops brute force on one account after 10 attempts, whatever the IP or session", async () => {
    const email = await frozenAccount();
    for (let i = 0; i < 10; i++) {
      const response = await send(`/signin?email=${email}`, { "CF-Connecting-IP": `198.51.100.${i}` });
      expect(response.status).toBe(401);
    }
    const refused = await send(`/signin?email=${email.toUpperCase()}`, { "CF-Connecting-IP": "192.0.2.99" });
    expect(refused.status).toBe(429);
    expect((await problemOf(refused)).code).toBe("RATE_LIMITED");
    expect(refused.headers.get("RateLimit-Policy")).toBe('"account";q=10;w=900');
    expect(refused.headers.get("RateLimit")).toBe('"account";r=0;t=90');
    expect(refused.headers.get("Retry-After")).toBe("90");
    expect((await send(`/signin?email=${await frozenAccount()}`)).status).toBe(401);
  });

  it("admits no more than 10 of 40 parallel guesses on one account", async () => {
    const email = await frozenAccount();
    const statuses = await Promise.all(
      Array.from({ length: 40 }, () => send(`/signin?email=${email}`).then((r) => r.status)),
    );
    expect(statuses.filter((s) => s === 401)).toHaveLength(10);
    expect(statuses.filter((s) => s === 429)).toHaveLength(30);
  });

  it("fails closed: 503 with Retry-After when the limiter is unreachable", async () => {
    const { namespace } = failingNamespace(overloaded());
    const response = await send(`/signin?email=${await frozenAccount()}`, {}, { RATE_LIMITER: namespace });
    expect(response.status).toBe(503);
    expect(response.headers.get("Retry-After")).toBe("5");
  });
});

describe("rate limit failure policy", () => {
  it("ratelimit: limiter down → auth fails closed with 503 RATE_LIMITER_UNAVAILABLE and Retry-After", async () => {
    const { namespace } = failingNamespace(new Error("Network connection lost"));
    const response = await send("/auth", await frozenClient(), { RATE_LIMITER: namespace });
    expect(response.status).toBe(503);
    expect(Number(response.headers.get("Retry-After"))).toBeGreaterThan(0);
    expect(response.headers.get("Cache-Control")).toBe("no-store");
    expect((await problemOf(response)).code).toBe("RATE_LIMITER_UNAVAILABLE");
  });

  it("ratelimit: an overloaded limiter is not retried", async () => {
    const { namespace, calls } = failingNamespace(overloaded());
    expect((await send("/auth", await frozenClient(), { RATE_LIMITER: namespace })).status).toBe(503);
    expect(calls.count).toBe(1);
  });

  it("retries a retryable, not overloaded failure once", async () => {
    const { namespace, calls } = failingNamespace(
      Object.assign(new Error("internal error"), { retryable: true }),
    );
    expect((await send("/auth", await frozenClient(), { RATE_LIMITER: namespace })).status).toBe(503);
    expect(calls.count).toBe(2);
  });

  it("fails open on ingest within the grace, without RateLimit headers, counting what it let through", async () => {
    const warn = vi.spyOn(console, "warn").mockImplementation(() => {});
    const { namespace } = failingNamespace(overloaded());
    const tenant = crypto.randomUUID();
    for (let i = 0; i < 3; i++) {
      const response = await send(`/ingest/${tenant}?spans=10`, {}, { RATE_LIMITER: namespace });
      expect(response.status).toBe(200);
      expect(response.headers.get("RateLimit")).toBeNull();
    }
    const logged = JSON.parse(String(warn.mock.calls.at(-1)?.[0]));
    expect(logged).toMatchObject({
      msg: "rate limiter unavailable: admitted (fail open)",
      surface: "ingest",
    });
    expect(logged.admittedUnlimited).toBe(3);
    expect(JSON.stringify(warn.mock.calls)).not.toContain(tenant);
  });
});
