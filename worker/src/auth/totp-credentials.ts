// Stored TOTP secrets, encrypted at rest (encryption.ts). A secret is pending until a valid code
// enables it; it is never returned again after setup.
import { and, eq, isNull, ne } from "drizzle-orm";
import type { Db } from "../../../db/client.ts";
import { totpCredentials } from "../../../db/schema/index.ts";
import type { Tx } from "../../../db/tenant-scope.ts";
import { decryptSecret, encryptSecret, type KeyRing } from "./encryption.ts";
import { lockSignInMethods } from "./passkeys.ts";

export type TotpState = { enabled: boolean; secret: string | null };

/** Stores a new pending secret; false when TOTP is already enabled (disable it first). */
export async function storePendingTotpSecret(
  db: Db,
  ring: KeyRing,
  userId: string,
  secret: string,
): Promise<boolean> {
  const sealed = await encryptSecret(ring, userId, new Uint8Array(new TextEncoder().encode(secret)));
  const values = {
    secretCiphertext: sealed.ciphertext,
    keyVersion: sealed.keyVersion,
    enabledAt: null,
    lastStep: -1,
  };
  const rows = await db
    .insert(totpCredentials)
    .values({ userId, ...values })
    .onConflictDoUpdate({
      target: totpCredentials.userId,
      set: values,
      setWhere: isNull(totpCredentials.enabledAt),
    })
    .returning({ userId: totpCredentials.userId });
  return rows.length === 1;
}

/**
 * The user's TOTP secret and whether it is enabled, or null when there is none. A secret that does
 * not decrypt (tampered, moved to another row, retired key) is logged as an alert and treated as
 * absent: fail closed, never plaintext.
 */
export async function loadTotpSecret(db: Db, ring: KeyRing, userId: string): Promise<TotpState | null> {
  const [row] = await db.select().from(totpCredentials).where(eq(totpCredentials.userId, userId));
  if (!row) return null;
  const plaintext = await decryptSecret(ring, userId, {
    ciphertext: row.secretCiphertext,
    keyVersion: row.keyVersion,
  });
  if (!plaintext) {
    console.error(
      JSON.stringify({
        msg: "totp secret failed to decrypt",
        alert: true,
        userId,
        keyVersion: row.keyVersion,
      }),
    );
    return { enabled: row.enabledAt !== null, secret: null };
  }
  return { enabled: row.enabledAt !== null, secret: new TextDecoder().decode(plaintext) };
}

/** Enables the pending secret, recording the step of the code that proved it. */
export async function enableTotp(db: Db, userId: string, step: number, now: Date): Promise<boolean> {
  const rows = await db
    .update(totpCredentials)
    .set({ enabledAt: now, lastStep: step })
    .where(and(eq(totpCredentials.userId, userId), isNull(totpCredentials.enabledAt)))
    .returning({ userId: totpCredentials.userId });
  return rows.length === 1;
}

export async function disableTotp(
  db: Db,
  userId: string,
): Promise<"deleted" | "not-found" | "last-credential"> {
  return db.transaction(async (tx: Tx) => {
    const methods = await lockSignInMethods(tx, userId);
    if (methods.passkeys === 0 && methods.totp) return "last-credential";
    const rows = await tx
      .delete(totpCredentials)
      .where(eq(totpCredentials.userId, userId))
      .returning({ userId: totpCredentials.userId });
    return rows.length ? "deleted" : "not-found";
  });
}

/**
 * Re-encrypts rows sealed with any other key version than the current one (run after adding a
 * key, before retiring the old one). Rows whose key is already gone are left for the alert.
 */
export async function reencryptTotpSecrets(db: Db, ring: KeyRing): Promise<number> {
  const rows = await db.select().from(totpCredentials).where(ne(totpCredentials.keyVersion, ring.current));
  let moved = 0;
  for (const row of rows) {
    const plaintext = await decryptSecret(ring, row.userId, {
      ciphertext: row.secretCiphertext,
      keyVersion: row.keyVersion,
    });
    if (!plaintext) continue;
    const sealed = await encryptSecret(ring, row.userId, plaintext);
    await db
      .update(totpCredentials)
      .set({ secretCiphertext: sealed.ciphertext, keyVersion: sealed.keyVersion })
      .where(and(eq(totpCredentials.userId, row.userId), eq(totpCredentials.keyVersion, row.keyVersion)));
    moved++;
  }
  return moved;
}
