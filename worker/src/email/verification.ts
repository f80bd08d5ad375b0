// Proving an email address: a link with a single-use 256-bit token (only its SHA-256 stored),
// valid for 24 hours. Verifying sets the account's address to the one the link was sent to and
// marks it verified, so the same path confirms a new account and an email change (an account
// keeps its old, verified address until the new one is proven). A new link voids older unused ones.
import { and, eq, isNull, ne } from "drizzle-orm";
import type { Db } from "../../../db/client.ts";
import { emailVerifications, users } from "../../../db/schema/index.ts";
import { base64url } from "../byte-encoding.ts";
import { sha256 } from "../tenancy/secret-hash.ts";
import type { Result } from "../result.ts";

export const VERIFICATION_TTL_MS = 24 * 3600_000;
const TOKEN_SHAPE = /^[A-Za-z0-9_-]{43}$/;

/** The link in the email: the token rides in the fragment, which browsers never send to a server. */
export function verificationLink(appOrigin: string, token: string): string {
  return `${appOrigin}/verify-email#${token}`;
}

/** A fresh token for `email`, replacing the user's unused ones. */
export async function issueVerification(
  db: Db,
  input: { userId: string; email: string; now: Date },
): Promise<{ token: string; expiresAt: Date }> {
  const token = base64url(crypto.getRandomValues(new Uint8Array(32)));
  const expiresAt = new Date(input.now.getTime() + VERIFICATION_TTL_MS);
  await db.transaction(async (tx) => {
    await tx
      .delete(emailVerifications)
      .where(and(eq(emailVerifications.userId, input.userId), isNull(emailVerifications.usedAt)));
    await tx.insert(emailVerifications).values({
      userId: input.userId,
      email: input.email,
      tokenHash: await sha256(token),
      createdAt: input.now,
      expiresAt,
    });
  });
  return { token, expiresAt };
}

export type VerificationOutcome = Result<
  { userId: string; email: string; previousEmail: string },
  { reason: "INVALID" | "EXPIRED" | "USED" | "EMAIL_TAKEN" }
>;

export async function verifyEmailToken(db: Db, token: string, now: Date): Promise<VerificationOutcome> {
  if (!TOKEN_SHAPE.test(token)) return { ok: false, reason: "INVALID" };
  const hash = await sha256(token);
  const [found] = await db.select().from(emailVerifications).where(eq(emailVerifications.tokenHash, hash));
  if (!found) return { ok: false, reason: "INVALID" };
  if (found.usedAt) return { ok: false, reason: "USED" };
  if (found.expiresAt <= now) return { ok: false, reason: "EXPIRED" };
  return db.transaction(async (tx): Promise<VerificationOutcome> => {
    // Taken by someone else since the link was sent (an email change racing a sign-up).
    const [holder] = await tx
      .select({ id: users.id })
      .from(users)
      .where(and(eq(users.email, found.email), ne(users.id, found.userId)));
    if (holder) return { ok: false, reason: "EMAIL_TAKEN" };
    const [used] = await tx
      .update(emailVerifications)
      .set({ usedAt: now })
      .where(and(eq(emailVerifications.id, found.id), isNull(emailVerifications.usedAt)))
      .returning({ id: emailVerifications.id });
    if (!used) return { ok: false, reason: "USED" };
    const [before] = await tx.select({ email: users.email }).from(users).where(eq(users.id, found.userId));
    await tx
      .update(users)
      .set({ email: found.email, emailVerifiedAt: now })
      .where(eq(users.id, found.userId));
    return {
      ok: true,
      userId: found.userId,
      email: found.email,
      previousEmail: before?.email ?? found.email,
    };
  });
}

/** Whether the account's current address is verified. */
export async function isEmailVerified(db: Db, userId: string): Promise<boolean> {
  const [row] = await db.select({ at: users.emailVerifiedAt }).from(users).where(eq(users.id, userId));
  return Boolean(row?.at);
}
