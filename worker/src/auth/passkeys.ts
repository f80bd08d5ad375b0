// A user's passkeys: storage, listing with a friendly provider name, rename, and deletion that
// never removes the last way to sign in.
import { and, asc, count, eq, isNotNull, sql } from "drizzle-orm";
import type { Db } from "../../../db/client.ts";
import type { Tx } from "../../../db/tenant-scope.ts";
import { passkeys, totpCredentials, users } from "../../../db/schema/index.ts";
import type { KnownCredential, NewCredential } from "./webauthn.ts";

/** Well-known passkey providers (community AAGUID list); anything else is just "Passkey". */
const PROVIDERS: Record<string, string> = {
  "fbfc3007-154e-4ecc-8c0b-6e020557d7bd": "iCloud Keychain",
  "dd4ec289-e01d-41c9-bb89-70fa845d4bf2": "iCloud Keychain (Managed)",
  "ea9b8d66-4d01-1d21-3ce4-b6b48cb575d4": "Google Password Manager",
  "adce0002-35bc-c60a-648b-0b25f1f05503": "Chrome on Mac",
  "08987058-cadc-4b81-b6e1-30de50dcbe96": "Windows Hello",
  "9ddd1817-af5a-4672-a2b9-3e3dd95000a9": "Windows Hello",
  "6028b017-b1d4-4c02-b4b3-afcdafc96bb2": "Windows Hello",
  "bada5566-a7aa-401f-bd96-45619a55120d": "1Password",
  "d548826e-79b4-db40-a3d8-11116f7e8349": "Bitwarden",
  "531126d6-e717-415c-9320-3d9aa6981239": "Dashlane",
  "b84e4048-15dc-4dd0-8640-f4f60813c8af": "NordPass",
  "53414d53-554e-4700-0000-000000000000": "Samsung Pass",
  "cb69481e-8ff7-4039-93ec-0a2729a154a8": "YubiKey 5",
};

export function providerName(aaguid: string): string {
  return PROVIDERS[aaguid] ?? "Passkey";
}

export type PasskeySummary = {
  id: string;
  name: string;
  provider: string;
  backedUp: boolean;
  createdAt: Date;
  lastUsedAt: Date | null;
};

const summaryColumns = {
  id: passkeys.id,
  name: passkeys.name,
  aaguid: passkeys.aaguid,
  backedUp: passkeys.backedUp,
  createdAt: passkeys.createdAt,
  lastUsedAt: passkeys.lastUsedAt,
};

function toSummary({
  aaguid,
  ...row
}: { aaguid: string } & Omit<PasskeySummary, "provider">): PasskeySummary {
  return { ...row, provider: providerName(aaguid) };
}

export async function listPasskeys(db: Db, userId: string): Promise<PasskeySummary[]> {
  const rows = await db
    .select(summaryColumns)
    .from(passkeys)
    .where(eq(passkeys.userId, userId))
    .orderBy(asc(passkeys.createdAt));
  return rows.map(toSummary);
}

const credentialColumns = {
  credentialId: passkeys.credentialId,
  publicKey: passkeys.publicKey,
  counter: passkeys.counter,
  transports: passkeys.transports,
};

export async function credentialsOf(db: Db, userId: string): Promise<KnownCredential[]> {
  return db.select(credentialColumns).from(passkeys).where(eq(passkeys.userId, userId));
}

export async function findPasskeyByCredentialId(db: Db | Tx, credentialId: string) {
  const [row] = await db
    .select({
      id: passkeys.id,
      userId: passkeys.userId,
      credentialId: passkeys.credentialId,
      publicKey: passkeys.publicKey,
      counter: passkeys.counter,
      transports: passkeys.transports,
      webauthnUserId: users.webauthnUserId,
      email: users.email,
      name: users.name,
      disabledAt: users.disabledAt,
    })
    .from(passkeys)
    .innerJoin(users, eq(users.id, passkeys.userId))
    .where(eq(passkeys.credentialId, credentialId));
  return row ?? null;
}

/** Null when the credential id is already registered (to anyone). */
export async function addPasskey(
  db: Db,
  userId: string,
  credential: NewCredential,
): Promise<PasskeySummary | null> {
  const [row] = await db
    .insert(passkeys)
    .values({ userId, ...credential, name: providerName(credential.aaguid) })
    .onConflictDoNothing()
    .returning(summaryColumns);
  return row ? toSummary(row) : null;
}

export async function recordPasskeyUse(
  db: Db | Tx,
  id: string,
  counter: number,
  backedUp: boolean,
  now: Date,
): Promise<void> {
  await db.update(passkeys).set({ counter, backedUp, lastUsedAt: now }).where(eq(passkeys.id, id));
}

export async function renamePasskey(
  db: Db,
  userId: string,
  id: string,
  name: string,
): Promise<PasskeySummary | null> {
  const [row] = await db
    .update(passkeys)
    .set({ name })
    .where(and(eq(passkeys.id, id), eq(passkeys.userId, userId)))
    .returning(summaryColumns);
  return row ? toSummary(row) : null;
}

/**
 * Ways to sign in besides recovery codes (the last resort): passkeys and enabled TOTP. Runs inside
 * a transaction that holds the user's row lock, so two concurrent deletions cannot both pass.
 */
export async function lockSignInMethods(
  tx: Tx,
  userId: string,
): Promise<{ passkeys: number; totp: boolean }> {
  await tx.execute(sql`select 1 from users where id = ${userId} for update`);
  const [keys] = await tx.select({ n: count() }).from(passkeys).where(eq(passkeys.userId, userId));
  const [totp] = await tx
    .select({ n: count() })
    .from(totpCredentials)
    .where(and(eq(totpCredentials.userId, userId), isNotNull(totpCredentials.enabledAt)));
  return { passkeys: keys.n, totp: totp.n > 0 };
}

export async function deletePasskey(
  db: Db,
  userId: string,
  id: string,
): Promise<"deleted" | "not-found" | "last-credential"> {
  return db.transaction(async (tx) => {
    const [target] = await tx
      .select({ id: passkeys.id })
      .from(passkeys)
      .where(and(eq(passkeys.id, id), eq(passkeys.userId, userId)));
    if (!target) return "not-found";
    const methods = await lockSignInMethods(tx, userId);
    if (methods.passkeys <= 1 && !methods.totp) return "last-credential";
    await tx.delete(passkeys).where(eq(passkeys.id, id));
    return "deleted";
  });
}
