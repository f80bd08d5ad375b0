// Generated values for the Worker secrets declared in .dev.vars.example (other than the database
// ones, which come from the database in use). Tests generate fresh ones per run; `npm run dev`
// generates them once and keeps them in .data/ so that data encrypted in one run decrypts in the next.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { randomBytes } from "node:crypto";
import { dirname } from "node:path";

const GENERATORS: Record<string, () => string> = {
  // AES-256-GCM key ring for TOTP secrets (worker/src/auth/encryption.ts): "<version>:<base64 key>".
  TOTP_ENCRYPTION_KEYS: () => `1:${randomBytes(32).toString("base64")}`,
  // HMAC key ring for consent receipts (worker/src/consent/receipts.ts), rotated the same way.
  CONSENT_RECEIPT_KEYS: () => `1:${randomBytes(32).toString("base64")}`,
  // HMAC key for the rate limiter's IP and email hashes (worker/src/rate-limit/keys.ts).
  RATE_LIMIT_SALT: () => randomBytes(32).toString("hex"),
};

export function generateWorkerSecrets(): Record<string, string> {
  return Object.fromEntries(Object.entries(GENERATORS).map(([name, generate]) => [name, generate()]));
}

/** Loads the persisted dev secrets, generating any that are missing (e.g. added by a new feature). */
export function loadDevSecrets(file: string): Record<string, string> {
  const stored: Record<string, string> = existsSync(file) ? JSON.parse(readFileSync(file, "utf8")) : {};
  const secrets = { ...generateWorkerSecrets(), ...stored };
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, JSON.stringify(secrets, null, 2), { mode: 0o600 });
  return secrets;
}
