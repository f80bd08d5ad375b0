// The limiter as wired into the real auth routes (SECURITY.md H38–H40, B10).
import { env } from "cloudflare:workers";
import { createExecutionContext, runInDurableObject, waitOnExecutionContext } from "cloudflare:test";
import { describe, expect, it, vi } from "vitest";
import worker from "../../worker/src/index.ts";
import { accountKey, ipKey } from "../../worker/src/rate-limit/keys.ts";
import { ORIGIN, problemOf } from "./helpers.ts";
import { api, randomEmail } from "./support/accounts.ts";

const randomIp = () => `2001:db8::${crypto.randomUUID().slice(0, 4)}:${crypto.randomUUID().slice(0, 4)}`;

function passkeyOptions(ip: string, headers: Record<string, string> = {}) {
  return api("/api/auth/passkey/options", { json: {}, headers: { "CF-Connecting-IP": ip, ...headers } });
}

describe("auth routes under the rate limiter", () => {
  it("ratelimit: unauthenticated sign-in ceremonies are limited per connecting IP, never by X-Forwarded-For, with the headers on every answer", async () => {
    const ip = randomIp();
    // A frozen clock for this IP's object: no unit may refill while the test runs, however slow.
    const key = await ipKey(
      new Request(ORIGIN, { headers: { "CF-Connecting-IP": ip } }),
      env.RATE_LIMIT_SALT,
    );
    const frozen = Date.now();
    await runInDurableObject(env.RATE_LIMITER.getByName(key!), (instance) => {
      instance.clock = () => frozen;
    });
    const first = await passkeyOptions(ip);
    expect(first.status).toBe(200);
    expect(first.headers.get("RateLimit-Policy")).toBe('"ip";q=60;w=300');
    expect(first.headers.get("RateLimit")).toBe('"ip";r=59;t=5');
    await Promise.all(Array.from({ length: 59 }, () => passkeyOptions(ip)));
    const refused = await passkeyOptions(ip, { "X-Forwarded-For": randomIp(), "X-Real-IP": randomIp() });
    expect(refused.status).toBe(429);
    expect((await problemOf(refused)).code).toBe("RATE_LIMITED");
    expect(refused.headers.get("RateLimit")).toBe('"ip";r=0;t=5');
    expect(Number(refused.headers.get("Retry-After"))).toBeGreaterThanOrEqual(
      Number(/t=(\d+)/.exec(refused.headers.get("RateLimit")!)![1]),
    );
    expect(refused.headers.get("Cache-Control")).toBe("no-store");
    expect((await passkeyOptions(randomIp())).status).toBe(200);
  });

  it("ratelimit: TOTP brute force is stopped — of 40 parallel guesses on one account across IPs, at most 10 are checked", async () => {
    const email = randomEmail();
    // A frozen clock for the account's object, so the refill time in the headers cannot tick.
    const frozen = Date.now();
    await runInDurableObject(
      env.RATE_LIMITER.getByName(await accountKey(email, env.RATE_LIMIT_SALT)),
      (instance) => {
        instance.clock = () => frozen;
      },
    );
    const responses = await Promise.all(
      Array.from({ length: 40 }, (_, i) =>
        api("/api/auth/totp/signin", {
          json: { email, code: String(100000 + i) },
          headers: { "CF-Connecting-IP": randomIp() },
        }),
      ),
    );
    const checked = responses.filter((r) => r.status === 401);
    expect(checked.length).toBeGreaterThan(0);
    expect(checked.length).toBeLessThanOrEqual(10);
    expect(responses.filter((r) => r.status === 429)).toHaveLength(40 - checked.length);
    // Refusals by the account limiter list both limiters that decided: the IP's and the account's.
    // (The rest are the auth routes' own growing-delay throttle, TOO_MANY_ATTEMPTS, which runs first.)
    const codes = await Promise.all(
      responses.map(async (r) => ((await r.clone().json()) as { code: string }).code),
    );
    const limited = responses.filter((_, i) => codes[i] === "RATE_LIMITED");
    expect(limited.length).toBeGreaterThan(0);
    for (const response of limited) {
      expect(response.status).toBe(429);
      expect(response.headers.get("RateLimit-Policy")).toBe('"ip";q=60;w=300, "account";q=10;w=900');
      expect(response.headers.get("RateLimit")).toMatch(/^"ip";r=59;t=5, "account";r=0;t=90$/);
      expect(response.headers.get("Retry-After")).toBe("90");
    }
  });

  it("ratelimit: limiter down → sign-in ceremonies answer 503 with Retry-After (auth fails closed), overloaded not retried", async () => {
    vi.spyOn(console, "warn").mockImplementation(() => {});
    const overloaded = Object.assign(new Error("Durable Object is overloaded"), {
      overloaded: true,
      retryable: true,
    });
    let calls = 0;
    const failing = {
      getByName: () => ({
        consume: () => {
          calls++;
          return Promise.reject(overloaded);
        },
      }),
    } as unknown as Env["RATE_LIMITER"];
    const ctx = createExecutionContext();
    const request = new Request(new URL("/api/auth/passkey/options", ORIGIN), {
      method: "POST",
      headers: { Origin: ORIGIN, "Content-Type": "application/json", "CF-Connecting-IP": randomIp() },
      body: "{}",
    });
    const response = await worker.fetch(request, { ...env, RATE_LIMITER: failing }, ctx);
    await waitOnExecutionContext(ctx);
    expect(response.status).toBe(503);
    expect(response.headers.get("Retry-After")).toBe("5");
    expect((await problemOf(response)).code).toBe("RATE_LIMITER_UNAVAILABLE");
    expect(calls).toBe(1);
    vi.restoreAllMocks();
  });
});
