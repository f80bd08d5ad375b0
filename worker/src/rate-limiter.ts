import { DurableObject } from "cloudflare:workers";
import { DAY_MS } from "./retention/policy.ts";
import type { Quota } from "./rate-limit/policies.ts";
import { admit, inspect as inspectBucket } from "./rate-limit/token-bucket.ts";

/** What one decision returns over RPC. */
export type Decision = { allowed: boolean; remaining: number; resetSeconds: number };

/** A bucket as the limits endpoint shows it. */
export type BucketState = { remaining: number; resetSeconds: number; refusedLast24h: number };

const HOUR_MS = 3_600_000;

/**
 * Per-key rate limiter: one SQLite-backed object per limited key (`tenant:<id>`, `token:<id>`,
 * `ip:<hmac>`, `account:<hmac>`), one bucket per surface inside it. Every method is synchronous:
 * with no await between reading and writing a bucket, the input gate runs decisions one at a time,
 * so parallel requests cannot both spend the last unit. State lives in SQLite (not memory), so an
 * evicted or restarted object carries on from where it was.
 */
export class RateLimiter extends DurableObject<Env> {
  /** Milliseconds since the epoch. Tests replace it through runInDurableObject; no RPC can. */
  clock: () => number = Date.now;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    ctx.storage.sql.exec(`
      CREATE TABLE IF NOT EXISTS buckets (surface TEXT PRIMARY KEY, tat INTEGER NOT NULL);
      CREATE TABLE IF NOT EXISTS refusals (
        surface TEXT NOT NULL, hour INTEGER NOT NULL, count INTEGER NOT NULL,
        PRIMARY KEY (surface, hour)
      );
    `);
  }

  /** Spends `cost` units of `surface`'s bucket if they are there: one call per decision. */
  consume(surface: string, quota: Quota, cost: number): Decision {
    assertValid(quota, cost);
    const now = this.clock();
    const stored = this.storedTat(surface);
    const { allowed, tat, remaining, resetSeconds } = admit(stored, quota, cost, now * 1000);
    if (allowed) {
      this.ctx.storage.sql.exec(
        "INSERT INTO buckets (surface, tat) VALUES (?, ?) ON CONFLICT (surface) DO UPDATE SET tat = excluded.tat",
        surface,
        tat,
      );
      // A new bucket: make sure the object forgets the key once it is idle (see alarm()).
      if (stored === null) void this.ctx.storage.setAlarm(now + DAY_MS);
    } else {
      this.countRefusal(surface, now);
    }
    return { allowed, remaining, resetSeconds };
  }

  /** Current state per surface, spending nothing. */
  inspect(quotas: Record<string, Quota>): Record<string, BucketState> {
    const now = this.clock();
    const since = Math.floor((now - DAY_MS) / HOUR_MS);
    return Object.fromEntries(
      Object.entries(quotas).map(([surface, quota]) => {
        const { remaining, resetSeconds } = inspectBucket(this.storedTat(surface), quota, now * 1000);
        const [{ refused }] = this.ctx.storage.sql
          .exec<{ refused: number }>(
            "SELECT coalesce(sum(count), 0) AS refused FROM refusals WHERE surface = ? AND hour > ?",
            surface,
            since,
          )
          .toArray();
        return [surface, { remaining, resetSeconds, refusedLast24h: refused }];
      }),
    );
  }

  /** Forgets the key once every bucket is full again and no refusal is recent (no IP hash kept). */
  override async alarm(): Promise<void> {
    const now = this.clock();
    const [{ busyUntil }] = this.ctx.storage.sql
      .exec<{ busyUntil: number | null }>("SELECT max(tat) / 1000 AS busyUntil FROM buckets")
      .toArray();
    const [{ lastHour }] = this.ctx.storage.sql
      .exec<{ lastHour: number | null }>("SELECT max(hour) AS lastHour FROM refusals")
      .toArray();
    const keepUntil = Math.max(busyUntil ?? 0, ((lastHour ?? 0) + 1) * HOUR_MS + DAY_MS);
    if (keepUntil > now) return this.ctx.storage.setAlarm(keepUntil);
    // Emptied rather than deleteAll(): this instance may live on and still needs its tables.
    this.ctx.storage.sql.exec("DELETE FROM buckets; DELETE FROM refusals;");
  }

  private storedTat(surface: string): number | null {
    const [row] = this.ctx.storage.sql
      .exec<{ tat: number }>("SELECT tat FROM buckets WHERE surface = ?", surface)
      .toArray();
    return row?.tat ?? null;
  }

  private countRefusal(surface: string, now: number): void {
    const hour = Math.floor(now / HOUR_MS);
    this.ctx.storage.sql.exec(
      "INSERT INTO refusals (surface, hour, count) VALUES (?, ?, 1) ON CONFLICT (surface, hour) DO UPDATE SET count = count + 1",
      surface,
      hour,
    );
    this.ctx.storage.sql.exec("DELETE FROM refusals WHERE hour <= ?", hour - 24);
  }
}

/** Callers are our own Worker code, but a NaN or zero here would silently admit everything. */
function assertValid(quota: Quota, cost: number): void {
  const positiveInteger = (n: number) => Number.isSafeInteger(n) && n > 0;
  if (!positiveInteger(quota.quota) || !positiveInteger(quota.windowSeconds) || !positiveInteger(cost)) {
    throw new RangeError(`invalid rate limit: ${JSON.stringify({ quota, cost })}`);
  }
}
