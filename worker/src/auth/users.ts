// Accounts. Emails are compared normalised (trimmed, lower-case); the WebAuthn user handle is a
// random 32-byte id, never the user id or the email.
import { and, eq, isNotNull, isNull } from "drizzle-orm";
import { TransactionRollbackError } from "drizzle-orm/errors";
import type { Db } from "../../../db/client.ts";
import type { Tx } from "../../../db/scope.ts";
import { passkeys, totpCredentials, users } from "../../../db/schema/index.ts";
import { base64url } from "../byte-encoding.ts";
import type { SessionUser } from "./sessions.ts";
import type { NewCredential } from "./webauthn.ts";

export function normaliseEmail(email: string): string {
  return email.trim().toLowerCase();
}

/**
 * Quotes, backslashes and angle brackets have no place in an address we accept (they are legal
 * only in quoted local parts nobody uses) and break out of quoted text wherever an email is
 * embedded; control characters likewise. The audit purge no longer edits text (0026), but nothing
 * downstream should have to be that careful.
 */
const UNSAFE_IN_EMAIL = /["\\<>]/;

export function isPlausibleEmail(email: string): boolean {
  return (
    email.length <= 254 &&
    /^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(email) &&
    !UNSAFE_IN_EMAIL.test(email) &&
    ![...email].some((char) => char.charCodeAt(0) < 0x20 || char.charCodeAt(0) === 0x7f)
  );
}

export function generateWebauthnUserId(): string {
  return base64url(crypto.getRandomValues(new Uint8Array(32)));
}

/** An enabled account by email, or null. */
export async function findUserByEmail(db: Db | Tx, email: string) {
  const [row] = await db
    .select({ id: users.id, email: users.email, name: users.name, webauthnUserId: users.webauthnUserId })
    .from(users)
    .where(and(eq(users.email, email), isNull(users.disabledAt)));
  return row ?? null;
}

export async function isEmailTaken(db: Db, email: string): Promise<boolean> {
  const [row] = await db.select({ id: users.id }).from(users).where(eq(users.email, email));
  return Boolean(row);
}

export async function findWebauthnUserId(db: Db, userId: string): Promise<string | null> {
  const [row] = await db.select({ handle: users.webauthnUserId }).from(users).where(eq(users.id, userId));
  return row?.handle ?? null;
}

/** Creates the account and its first passkey together, or neither. */
export async function createUserWithPasskey(
  db: Db,
  account: { email: string; name: string; webauthnUserId: string },
  credential: NewCredential,
  credentialName: string,
): Promise<SessionUser | "email-taken" | "credential-taken"> {
  let outcome: "email-taken" | "credential-taken" = "email-taken";
  try {
    return await db.transaction(async (tx) => {
      const [user] = await tx
        .insert(users)
        .values(account)
        .onConflictDoNothing()
        .returning({ id: users.id, email: users.email, name: users.name });
      if (!user) tx.rollback();
      const [passkey] = await tx
        .insert(passkeys)
        .values({ userId: user.id, ...credential, name: credentialName })
        .onConflictDoNothing()
        .returning({ id: passkeys.id });
      if (!passkey) {
        outcome = "credential-taken";
        tx.rollback();
      }
      return user;
    });
  } catch (error) {
    if (error instanceof TransactionRollbackError) return outcome;
    throw error;
  }
}

/** What /api/me shows besides the session: TOTP state, passkey count and email verification, in one query. */
export async function signInMethodsSummary(
  db: Db | Tx,
  userId: string,
): Promise<{ totpEnabled: boolean; passkeys: number; emailVerified: boolean }> {
  const [row] = await db
    .select({
      emailVerifiedAt: users.emailVerifiedAt,
      passkeys: db.$count(passkeys, eq(passkeys.userId, userId)),
      totp: db.$count(
        totpCredentials,
        and(eq(totpCredentials.userId, userId), isNotNull(totpCredentials.enabledAt)),
      ),
    })
    .from(users)
    .where(eq(users.id, userId));
  return {
    totpEnabled: (row?.totp ?? 0) > 0,
    passkeys: row?.passkeys ?? 0,
    emailVerified: Boolean(row?.emailVerifiedAt),
  };
}
