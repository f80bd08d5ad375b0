// Brute-force throttling for TOTP and recovery codes, per account across sessions and IPs, in
// Postgres. The key is SHA-256 of the normalised email, so an unknown email is throttled exactly
// like a real one (no enumeration) and is not stored in clear. Failures are remembered 24 h; from
// the 5th one (which within 15 minutes is the trigger) every attempt waits
// 60 s · 2^(failures − 5) after the last failure, capped at 1 h: the delay grows with each failure.
import { and, eq, gt, sql } from "drizzle-orm";
import type { Db } from "../../../db/client.ts";
import { signInFailures } from "../../../db/schema/index.ts";

export const MEMORY_MS = 24 * 3600_000;
const FREE_FAILURES = 5;
const BASE_DELAY_S = 60;
const MAX_DELAY_S = 3600;

export async function accountKey(email: string): Promise<Uint8Array<ArrayBuffer>> {
  const bytes = new TextEncoder().encode(`sign-in:${email}`);
  return new Uint8Array(await crypto.subtle.digest("SHA-256", bytes));
}

/** Seconds until the next attempt is allowed, or 0 when it is allowed now. */
export async function throttleDelay(db: Db, key: Uint8Array<ArrayBuffer>, now: Date): Promise<number> {
  const [row] = await db
    .select({
      failures: sql<number>`count(*)::int`,
      last: sql<string | null>`max(${signInFailures.failedAt})`,
    })
    .from(signInFailures)
    .where(
      and(
        eq(signInFailures.accountKey, key),
        gt(signInFailures.failedAt, new Date(now.getTime() - MEMORY_MS)),
      ),
    );
  if (!row || row.failures < FREE_FAILURES || !row.last) return 0;
  const delay = Math.min(BASE_DELAY_S * 2 ** (row.failures - FREE_FAILURES), MAX_DELAY_S);
  const waitMs = new Date(row.last).getTime() + delay * 1000 - now.getTime();
  return waitMs > 0 ? Math.ceil(waitMs / 1000) : 0;
}

export async function recordFailure(db: Db, key: Uint8Array<ArrayBuffer>, now: Date): Promise<void> {
  await db.insert(signInFailures).values({ accountKey: key, failedAt: now });
}

export async function clearFailures(db: Db, key: Uint8Array<ArrayBuffer>): Promise<void> {
  await db.delete(signInFailures).where(eq(signInFailures.accountKey, key));
}
