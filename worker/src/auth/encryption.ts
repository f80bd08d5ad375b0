// AES-256-GCM for secrets at rest (TOTP seeds). Keys come from the Worker secret
// TOTP_ENCRYPTION_KEYS = "<version>:<base64 of 32 bytes>[,<version>:<base64>…]": the highest
// version encrypts, every listed version decrypts; removing a version retires it (its rows then
// fail closed). Ciphertext = 12-byte random IV ‖ ciphertext ‖ 16-byte tag. The additional data
// binds the row's owner and the key version, so a ciphertext moved to another row does not decrypt.
import { parseVersionedKeys } from "./versioned-keys.ts";

export type KeyRing = { current: number; keys: Map<number, CryptoKey> };

export async function importKeyRing(secret: string): Promise<KeyRing> {
  const keys = new Map<number, CryptoKey>();
  for (const [version, raw] of parseVersionedKeys(secret, "TOTP_ENCRYPTION_KEYS")) {
    keys.set(version, await crypto.subtle.importKey("raw", raw, "AES-GCM", false, ["encrypt", "decrypt"]));
  }
  return { current: Math.max(...keys.keys()), keys };
}

function additionalData(ownerId: string, version: number): BufferSource {
  return new TextEncoder().encode(`sightline:v${version}:${ownerId}`);
}

export async function encryptSecret(
  ring: KeyRing,
  ownerId: string,
  plaintext: Uint8Array<ArrayBuffer>,
): Promise<{ ciphertext: Uint8Array<ArrayBuffer>; keyVersion: number }> {
  const iv = crypto.getRandomValues(new Uint8Array(12));
  const key = ring.keys.get(ring.current)!;
  const sealed = await crypto.subtle.encrypt(
    { name: "AES-GCM", iv, additionalData: additionalData(ownerId, ring.current) },
    key,
    plaintext,
  );
  const ciphertext = new Uint8Array(12 + sealed.byteLength);
  ciphertext.set(iv);
  ciphertext.set(new Uint8Array(sealed), 12);
  return { ciphertext, keyVersion: ring.current };
}

/** Null when the key version is retired or anything was tampered with: callers fail closed. */
export async function decryptSecret(
  ring: KeyRing,
  ownerId: string,
  sealed: { ciphertext: Uint8Array<ArrayBuffer>; keyVersion: number },
): Promise<Uint8Array<ArrayBuffer> | null> {
  const key = ring.keys.get(sealed.keyVersion);
  if (!key || sealed.ciphertext.length < 28) return null;
  try {
    const plaintext = await crypto.subtle.decrypt(
      {
        name: "AES-GCM",
        iv: sealed.ciphertext.slice(0, 12),
        additionalData: additionalData(ownerId, sealed.keyVersion),
      },
      key,
      sealed.ciphertext.slice(12),
    );
    return new Uint8Array(plaintext);
  } catch {
    return null;
  }
}

let cachedRing: { secret: string; ring: Promise<KeyRing> } | null = null;

/** The key ring for this isolate's secret, imported once. */
export function keyRingFor(secret: string): Promise<KeyRing> {
  if (cachedRing?.secret !== secret) cachedRing = { secret, ring: importKeyRing(secret) };
  return cachedRing.ring;
}
