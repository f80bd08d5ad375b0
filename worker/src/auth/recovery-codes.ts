// Recovery codes: 10 per set, 10 characters of Crockford-style base32 from the CSPRNG (50 bits
// each), shown once, stored as SHA-256(salt ‖ code) with a per-code random salt. Using one is a
// single conditional UPDATE, so a code works exactly once even under concurrency. Generating a set
// deletes the previous one.
import { and, eq, isNull } from "drizzle-orm";
import type { Db } from "../../../db/client.ts";
import { recoveryCodes } from "../../../db/schema/index.ts";

const ALPHABET = "0123456789abcdefghjkmnpqrstvwxyz";
const CODES_PER_SET = 10;

function randomCode(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(10));
  const chars = [...bytes].map((byte) => ALPHABET[byte & 31]).join("");
  return `${chars.slice(0, 5)}-${chars.slice(5)}`;
}

/** Lower-case, no separators or spaces: what a person types is compared, not how. */
export function normaliseRecoveryCode(input: string): string {
  return input.toLowerCase().replace(/[\s-]/g, "");
}

async function hashCode(salt: Uint8Array<ArrayBuffer>, code: string): Promise<Uint8Array<ArrayBuffer>> {
  const encoded = new TextEncoder().encode(normaliseRecoveryCode(code));
  const input = new Uint8Array(salt.length + encoded.length);
  input.set(salt);
  input.set(encoded, salt.length);
  return new Uint8Array(await crypto.subtle.digest("SHA-256", input));
}

function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  let difference = 0;
  for (let i = 0; i < a.length; i++) difference |= a[i] ^ b[i];
  return difference === 0;
}

export async function replaceRecoveryCodes(db: Db, userId: string): Promise<string[]> {
  const codes = Array.from({ length: CODES_PER_SET }, randomCode);
  const rows = await Promise.all(
    codes.map(async (code) => {
      const salt = crypto.getRandomValues(new Uint8Array(16));
      return { userId, salt, codeHash: await hashCode(salt, code) };
    }),
  );
  await db.transaction(async (tx) => {
    await tx.delete(recoveryCodes).where(eq(recoveryCodes.userId, userId));
    await tx.insert(recoveryCodes).values(rows);
  });
  return codes;
}

/** Marks the matching unused code as used; false when none matches (or it was just used). */
export async function useRecoveryCode(db: Db, userId: string, code: string): Promise<boolean> {
  const unused = await db
    .select({ id: recoveryCodes.id, salt: recoveryCodes.salt, codeHash: recoveryCodes.codeHash })
    .from(recoveryCodes)
    .where(and(eq(recoveryCodes.userId, userId), isNull(recoveryCodes.usedAt)));
  for (const row of unused) {
    if (!equalBytes(await hashCode(row.salt, code), row.codeHash)) continue;
    const used = await db
      .update(recoveryCodes)
      .set({ usedAt: new Date() })
      .where(and(eq(recoveryCodes.id, row.id), isNull(recoveryCodes.usedAt)))
      .returning({ id: recoveryCodes.id });
    return used.length === 1;
  }
  return false;
}

export async function countUnusedRecoveryCodes(db: Db, userId: string): Promise<number> {
  const rows = await db
    .select({ id: recoveryCodes.id })
    .from(recoveryCodes)
    .where(and(eq(recoveryCodes.userId, userId), isNull(recoveryCodes.usedAt)));
  return rows.length;
}
