// TOTP (RFC 6238, SHA-1, 6 digits, 30 s) with otplib. Codes from the current step ±1 are accepted
// (RFC 6238 §5.2 network delay; this is the documented choice over ASVS 6.5.5's 30 s lifetime).
// A code is accepted once: the matched step must be later than the last accepted one, and that
// check-and-set is a single UPDATE, so concurrent submissions cannot both win.
import { and, eq, isNotNull, lt } from "drizzle-orm";
import type { Db } from "../../../db/client.ts";
import { totpCredentials } from "../../../db/schema/index.ts";
import { lazyModule } from "../lazy-module.ts";

const PERIOD_SECONDS = 30;

/** otplib and its hash and base32 code, loaded by the first TOTP request (docs/round-trips.md). */
const library = lazyModule(() => import("otplib"));

export async function createTotpSecret(): Promise<string> {
  const { generateSecret } = await library();
  return generateSecret({ length: 20 });
}

export async function totpUri(issuer: string, email: string, secret: string): Promise<string> {
  const { generateURI } = await library();
  return generateURI({ issuer, label: email, secret });
}

/** The time step a code belongs to (current ±1), or null. */
export async function matchTotpStep(
  secret: string | Uint8Array,
  code: string,
  now: Date,
): Promise<number | null> {
  if (!/^\d{6}$/.test(code)) return null;
  const { verify } = await library();
  try {
    const result = await verify({
      secret,
      token: code,
      epoch: Math.floor(now.getTime() / 1000),
      epochTolerance: PERIOD_SECONDS,
    });
    return result.valid && "timeStep" in result ? result.timeStep : null;
  } catch {
    return null;
  }
}

/** Atomically records `step` as used; false when that step (or a later one) was already used. */
export async function consumeTotpStep(db: Db, userId: string, step: number): Promise<boolean> {
  const updated = await db
    .update(totpCredentials)
    .set({ lastStep: step })
    .where(
      and(
        eq(totpCredentials.userId, userId),
        isNotNull(totpCredentials.enabledAt),
        lt(totpCredentials.lastStep, step),
      ),
    )
    .returning({ userId: totpCredentials.userId });
  return updated.length === 1;
}
