import { Hono } from "hono";
import type { AppEnv } from "../env.ts";
import { HttpError } from "../errors.ts";
import { enforceRateLimit } from "../middleware/rate-limit.ts";
import type { Policy } from "../rate-limit/consume.ts";
import { tenantKey } from "../rate-limit/keys.ts";

/** Large enough that the bench measures decisions, not refusals. */
const BENCH_POLICY: Policy = {
  surface: "api",
  quota: { quota: 1_000_000_000, windowSeconds: 60 },
  failure: "closed",
};

/**
 * Routes for `npm run bench` only: they answer 404 unless the Worker runs with BENCH=1 (never set
 * in production), so they cannot be used to create limiter objects at will.
 * - POST /limiter?key=k&limited=1|0: the same route with and without one limiter decision.
 * - POST /limiter/object?key=k&calls=n&concurrency=c[&read=1]: n decisions (or, with read=1,
 *   read-only inspections: the RPC without the durable write) on one key's object from inside
 *   the Worker, timed there (Date.now advances across I/O), for the object's requests/s.
 */
export const bench = new Hono<AppEnv>()
  .use("*", async (c, next) => {
    if (c.env.BENCH !== "1") throw new HttpError(404, "NOT_FOUND");
    await next();
  })
  .post("/limiter", async (c) => {
    if (c.req.query("limited") === "1") {
      await enforceRateLimit(c, tenantKey(`bench-${c.req.query("key")}`), BENCH_POLICY);
    }
    return c.body(null, 204);
  })
  .post("/limiter/object", async (c) => {
    const calls = Math.min(Number(c.req.query("calls") ?? 1_000), 100_000);
    const concurrency = Math.min(Number(c.req.query("concurrency") ?? 1), 256);
    const read = c.req.query("read") === "1";
    const stub = c.env.RATE_LIMITER.getByName(tenantKey(`bench-${c.req.query("key")}`));
    let next = 0;
    let failed = 0;
    const worker = async () => {
      while (next++ < calls) {
        const decision = read
          ? stub.inspect({ [BENCH_POLICY.surface]: BENCH_POLICY.quota })
          : stub.consume(BENCH_POLICY.surface, BENCH_POLICY.quota, 1);
        await decision.catch(() => failed++);
      }
    };
    const started = Date.now();
    await Promise.all(Array.from({ length: concurrency }, worker));
    return c.json({ calls, concurrency, failed, ms: Date.now() - started });
  });
