// Secrets at rest (SECURITY.md F27–F28): AES-256-GCM with versioned keys; tampering, moving a
// ciphertext to another user, or a retired key all fail closed.
import { env } from "cloudflare:workers";
import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { createDb, useLocalRelay } from "../../db/client.ts";
import { totpCredentials } from "../../db/schema/index.ts";
import { decryptSecret, encryptSecret, importKeyRing } from "../../worker/src/auth/encryption.ts";
import { loadTotpSecret, reencryptTotpSecrets } from "../../worker/src/auth/totp-credentials.ts";
import { signUpWithTotp } from "./support/totp.ts";

const key = () => btoa(String.fromCharCode(...crypto.getRandomValues(new Uint8Array(32))));
const plaintextOf = (text: string) => new Uint8Array(new TextEncoder().encode(text));
const plaintext = plaintextOf("JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP");
const alice = crypto.randomUUID();
const bob = crypto.randomUUID();

describe("encryption at rest", () => {
  it("crypto: any flipped byte in IV, ciphertext or tag fails closed", async () => {
    const ring = await importKeyRing(`1:${key()}`);
    const sealed = await encryptSecret(ring, alice, plaintext);
    expect(await decryptSecret(ring, alice, sealed)).toEqual(plaintext);
    for (const index of [0, 11, 12, sealed.ciphertext.length - 17, sealed.ciphertext.length - 1]) {
      const tampered = sealed.ciphertext.slice();
      tampered[index] ^= 1;
      expect(await decryptSecret(ring, alice, { ...sealed, ciphertext: tampered })).toBeNull();
    }
  });

  it("crypto: user A's ciphertext does not decrypt as user B's, nor under another version label", async () => {
    const ring = await importKeyRing(`1:${key()},2:${key()}`);
    const sealed = await encryptSecret(ring, alice, plaintext);
    expect(await decryptSecret(ring, bob, sealed)).toBeNull();
    expect(await decryptSecret(ring, alice, { ...sealed, keyVersion: 1 })).toBeNull();
  });

  it("crypto: two encryptions of the same secret use different IVs", async () => {
    const ring = await importKeyRing(`1:${key()}`);
    const a = await encryptSecret(ring, alice, plaintext);
    const b = await encryptSecret(ring, alice, plaintext);
    expect(a.ciphertext.slice(0, 12)).not.toEqual(b.ciphertext.slice(0, 12));
  });

  it("crypto: rotation writes with the newest version, old versions still decrypt, retired ones fail", async () => {
    const v1 = key();
    const old = await importKeyRing(`1:${v1}`);
    const sealed = await encryptSecret(old, alice, plaintext);
    const rotated = await importKeyRing(`1:${v1},2:${key()}`);
    expect((await encryptSecret(rotated, alice, plaintext)).keyVersion).toBe(2);
    expect(await decryptSecret(rotated, alice, sealed)).toEqual(plaintext);
    const retired = await importKeyRing(`2:${key()}`);
    expect(await decryptSecret(retired, alice, sealed)).toBeNull();
  });

  it("refuses malformed key rings", async () => {
    await expect(importKeyRing("")).rejects.toThrow(/empty/);
    await expect(importKeyRing("1:c2hvcnQ=")).rejects.toThrow(/32 bytes/);
  });

  it("crypto: a row left on a retired key fails closed; the re-encryption job drains it to the current key", async () => {
    const account = await signUpWithTotp();
    useLocalRelay(env.DB_WS_PROXY);
    const { db, pool } = createDb(env.DATABASE_URL);
    try {
      // Put this user's secret on an old version 0 that the Worker's own key ring no longer has.
      const current = await importKeyRing(env.TOTP_ENCRYPTION_KEYS);
      const v0 = key();
      const old = await encryptSecret(
        await importKeyRing(`0:${v0}`),
        account.user.id,
        plaintextOf(account.secret),
      );
      await db
        .update(totpCredentials)
        .set({ secretCiphertext: old.ciphertext, keyVersion: 0 })
        .where(eq(totpCredentials.userId, account.user.id));
      expect((await loadTotpSecret(db, current, account.user.id))?.secret).toBeNull();

      // Only rows off the current version are touched, so other users' rows stay as they are.
      expect(
        await reencryptTotpSecrets(db, await importKeyRing(`0:${v0},${env.TOTP_ENCRYPTION_KEYS}`)),
      ).toBeGreaterThanOrEqual(1);
      const [row] = await db
        .select()
        .from(totpCredentials)
        .where(eq(totpCredentials.userId, account.user.id));
      expect(row.keyVersion).toBe(current.current);
      expect((await loadTotpSecret(db, current, account.user.id))?.secret).toBe(account.secret);
    } finally {
      await pool.end();
    }
  });
});
