// Rotatable key rings in one secret: "<version>:<base64 of 32 bytes>[,<version>:<base64>…]". The
// highest version is current (it encrypts or signs); every listed version still decrypts or
// verifies; removing a version retires it. Used by TOTP_ENCRYPTION_KEYS and CONSENT_RECEIPT_KEYS.
import { fromBase64 } from "../byte-encoding.ts";

/** Version → raw 32-byte key. Throws, naming the secret, on anything malformed or an empty list. */
export function parseVersionedKeys(secret: string, name: string): Map<number, Uint8Array<ArrayBuffer>> {
  const keys = new Map<number, Uint8Array<ArrayBuffer>>();
  for (const entry of secret
    .split(",")
    .map((part) => part.trim())
    .filter(Boolean)) {
    const match = /^(\d+):([A-Za-z0-9+/=]+)$/.exec(entry);
    const raw = match ? fromBase64(match[2]) : null;
    if (!match || raw?.length !== 32) throw new Error(`${name}: expected <version>:<base64 of 32 bytes>`);
    keys.set(Number(match[1]), raw);
  }
  if (keys.size === 0) throw new Error(`${name} is empty`);
  return keys;
}
