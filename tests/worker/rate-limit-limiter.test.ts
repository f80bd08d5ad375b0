import { env } from "cloudflare:workers";
import { evictDurableObject, runInDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { tenantKey } from "../../worker/src/rate-limit/keys.ts";
import { POLICIES, type Quota } from "../../worker/src/rate-limit/policies.ts";
import { readTenantLimits } from "../../worker/src/rate-limit/tenant-limits.ts";

const QUOTA: Quota = { quota: 10, windowSeconds: 60 }; // one unit every 6 s
const T0 = Date.UTC(2026, 10, 23, 12, 0, 0);

/** A fresh object (random key) whose clock reads what `clock.now` says. */
async function limiter(start = T0) {
  const stub = env.RATE_LIMITER.getByName(`tenant:${crypto.randomUUID()}`);
  const clock = { now: start };
  await runInDurableObject(stub, (instance) => {
    instance.clock = () => clock.now;
  });
  return { stub, clock };
}

describe("RateLimiter durable object", () => {
  it("ratelimit: 2× quota in parallel for one tenant → exactly the quota admitted", async () => {
    const { stub } = await limiter();
    const decisions = await Promise.all(
      Array.from({ length: 2 * QUOTA.quota }, () => stub.consume("ingest", QUOTA, 1)),
    );
    expect(decisions.filter((d) => d.allowed)).toHaveLength(QUOTA.quota);
  });

  it("ratelimit: a burst across a window boundary stays within the configured burst", async () => {
    const { stub, clock } = await limiter(T0 + 59_999);
    const before = await Promise.all(Array.from({ length: 10 }, () => stub.consume("api", QUOTA, 1)));
    clock.now = T0 + 60_001; // a fixed window would start afresh here
    const after = await Promise.all(Array.from({ length: 10 }, () => stub.consume("api", QUOTA, 1)));
    expect([...before, ...after].filter((d) => d.allowed)).toHaveLength(10);
  });

  it("refills one unit per window/quota as the injected clock advances", async () => {
    const { stub, clock } = await limiter();
    for (let i = 0; i < 10; i++) await stub.consume("ingest", QUOTA, 1);
    expect(await stub.consume("ingest", QUOTA, 1)).toEqual({ allowed: false, remaining: 0, resetSeconds: 6 });
    clock.now += 5_999;
    expect((await stub.consume("ingest", QUOTA, 1)).allowed).toBe(false);
    clock.now += 1;
    expect(await stub.consume("ingest", QUOTA, 1)).toEqual({ allowed: true, remaining: 0, resetSeconds: 6 });
    clock.now += 60_000;
    expect(await stub.consume("ingest", QUOTA, 1)).toEqual({ allowed: true, remaining: 9, resetSeconds: 6 });
  });

  it("weighs a request by its cost and refuses a batch larger than what remains", async () => {
    const { stub } = await limiter();
    expect(await stub.consume("ingest", QUOTA, 7)).toEqual({ allowed: true, remaining: 3, resetSeconds: 6 });
    // 4 more would need 6 s for the missing unit; the 3 still there stay available.
    expect(await stub.consume("ingest", QUOTA, 4)).toEqual({ allowed: false, remaining: 3, resetSeconds: 6 });
    expect(await stub.consume("ingest", QUOTA, 3)).toEqual({ allowed: true, remaining: 0, resetSeconds: 6 });
  });

  it("ratelimit: a limiter evicted mid-window keeps its state (persisted in SQLite)", async () => {
    const { stub } = await limiter(Date.now());
    for (let i = 0; i < 10; i++) await stub.consume("ingest", QUOTA, 1);
    await evictDurableObject(stub);
    // A new instance with the real clock, a few ms later: the spent burst is still spent.
    const decision = await stub.consume("ingest", QUOTA, 1);
    expect(decision.allowed).toBe(false);
    expect(decision.remaining).toBe(0);
  });

  it("keeps keys and surfaces independent: a throttled tenant does not slow another", async () => {
    const noisy = await limiter();
    const quiet = await limiter();
    await Promise.all(Array.from({ length: 30 }, () => noisy.stub.consume("ingest", QUOTA, 1)));
    expect((await noisy.stub.consume("ingest", QUOTA, 1)).allowed).toBe(false);
    expect(await noisy.stub.consume("api", QUOTA, 1)).toEqual({
      allowed: true,
      remaining: 9,
      resetSeconds: 6,
    });
    expect(await quiet.stub.consume("ingest", QUOTA, 1)).toEqual({
      allowed: true,
      remaining: 9,
      resetSeconds: 6,
    });
  });

  it("reports remaining quota and recent refusals without spending anything", async () => {
    const { stub } = await limiter();
    for (let i = 0; i < 12; i++) await stub.consume("api", QUOTA, 1);
    const state = await stub.inspect({ api: QUOTA, ingest: QUOTA });
    expect(state).toEqual({
      api: { remaining: 0, resetSeconds: 6, refusedLast24h: 2 },
      ingest: { remaining: 10, resetSeconds: 0, refusedLast24h: 0 },
    });
    expect(await stub.inspect({ api: QUOTA })).toEqual({ api: state.api });
  });

  it("rejects a zero, fractional or non-numeric cost or quota instead of admitting", async () => {
    const { stub } = await limiter();
    const failureOf = (work: Promise<unknown>) =>
      work.then(
        () => null,
        (error: Error) => error.name,
      );
    expect(await failureOf(stub.consume("api", QUOTA, 0))).toBe("RangeError");
    expect(await failureOf(stub.consume("api", QUOTA, 1.5))).toBe("RangeError");
    expect(await failureOf(stub.consume("api", { quota: Number.NaN, windowSeconds: 60 }, 1))).toBe(
      "RangeError",
    );
    expect(await stub.inspect({ api: QUOTA })).toEqual({
      api: { remaining: 10, resetSeconds: 0, refusedLast24h: 0 },
    });
  });

  it("forgets an idle key once its buckets are full again and its refusals are a day old", async () => {
    const { stub, clock } = await limiter();
    await stub.consume("api", QUOTA, 1);
    clock.now += 25 * 3_600_000;
    await runInDurableObject(stub, (instance) => instance.alarm());
    const rows = await runInDurableObject(stub, (_, state) =>
      state.storage.sql.exec("SELECT count(*) AS n FROM buckets").one(),
    );
    expect(rows.n).toBe(0);
  });
});

describe("tenant limits", () => {
  it("reads a tenant's quotas, remaining units and recent 429s without spending any", async () => {
    const tenantId = crypto.randomUUID();
    const stub = env.RATE_LIMITER.getByName(tenantKey(tenantId));
    await runInDurableObject(stub, (instance) => {
      instance.clock = () => T0;
    });
    const ingest = POLICIES.ingest.plans.free;
    await stub.consume("ingest", ingest, ingest.quota - 100);
    await stub.consume("ingest", ingest, 101);
    const limits = await readTenantLimits(env, tenantId, "free");
    expect(limits).toEqual([
      { surface: "ingest", ...ingest, remaining: 100, resetSeconds: 1, refusedLast24h: 1 },
      {
        surface: "api",
        ...POLICIES.api.plans.free,
        remaining: POLICIES.api.plans.free.quota,
        resetSeconds: 0,
        refusedLast24h: 0,
      },
    ]);
    expect(await readTenantLimits(env, tenantId, "free")).toEqual(limits);
  });
});

describe("RateLimiter clock", () => {
  it("cannot be read or set over RPC: only code inside the object (tests) can move time", async () => {
    const stub = env.RATE_LIMITER.getByName(`tenant:${crypto.randomUUID()}`);
    const remote = stub as unknown as { clock: () => Promise<number> };
    const failure = await Promise.resolve()
      .then(() => remote.clock())
      .then(
        () => null,
        (error: Error) => error.message,
      );
    expect(failure).toContain('does not implement "clock"');
  });
});
