// Consent receipts: what a browser shows on every RUM batch to prove its visitor agreed. A receipt
// is "<key version>.<payload>.<HMAC-SHA-256>" (base64url), opaque to clients. The payload binds the
// receipt id, the tenant, the tab's session id, the tenant's policy version and the expiry, so a
// receipt is worthless for another tenant, another session, a newer policy or after it expires.
// Keys come from CONSENT_RECEIPT_KEYS, rotated like TOTP_ENCRYPTION_KEYS (auth/versioned-keys.ts):
// the highest version signs, every listed version verifies. No Hono, no database.
import { base64url, fromBase64url, hex as toHex } from "../byte-encoding.ts";
import { parseVersionedKeys } from "../auth/versioned-keys.ts";

/** A day: a tab left open longer asks for a fresh receipt (the SDK does, on its next page). */
export const RECEIPT_TTL_MS = 24 * 3600_000;
const FORMAT = 1;
const PAYLOAD_BYTES = 1 + 16 * 3 + 4 + 4;
const SHAPE = /^(\d{1,9})\.([A-Za-z0-9_-]{76})\.([A-Za-z0-9_-]{43})$/;

export type Receipt = {
  id: string;
  tenantId: string;
  sessionId: string;
  policyVersion: number;
  expiresAt: Date;
};

export type SigningRing = { current: number; keys: Map<number, CryptoKey> };

export async function importSigningRing(secret: string): Promise<SigningRing> {
  const keys = new Map<number, CryptoKey>();
  for (const [version, raw] of parseVersionedKeys(secret, "CONSENT_RECEIPT_KEYS")) {
    const algorithm = { name: "HMAC", hash: "SHA-256" };
    keys.set(version, await crypto.subtle.importKey("raw", raw, algorithm, false, ["sign", "verify"]));
  }
  return { current: Math.max(...keys.keys()), keys };
}

let cachedRing: { secret: string; ring: Promise<SigningRing> } | null = null;

/** The signing ring for this isolate's secret, imported once. */
export function signingRingFor(secret: string): Promise<SigningRing> {
  if (cachedRing?.secret !== secret) cachedRing = { secret, ring: importSigningRing(secret) };
  return cachedRing.ring;
}

export async function signReceipt(ring: SigningRing, receipt: Receipt): Promise<string> {
  const payload = new Uint8Array(PAYLOAD_BYTES);
  const view = new DataView(payload.buffer);
  payload[0] = FORMAT;
  payload.set(uuidBytes(receipt.id), 1);
  payload.set(uuidBytes(receipt.tenantId), 17);
  payload.set(uuidBytes(receipt.sessionId), 33);
  view.setUint32(49, receipt.policyVersion);
  view.setUint32(53, Math.floor(receipt.expiresAt.getTime() / 1000));
  const signed = `${ring.current}.${base64url(payload)}`;
  const mac = await crypto.subtle.sign("HMAC", ring.keys.get(ring.current)!, encode(signed));
  return `${signed}.${base64url(new Uint8Array(mac))}`;
}

/**
 * The receipt a text carries, or null when it is malformed, signed with a retired or unknown key,
 * or tampered with. Expiry, tenant, policy version and withdrawal are the caller's checks.
 */
export async function verifyReceipt(ring: SigningRing, text: string): Promise<Receipt | null> {
  const match = SHAPE.exec(text);
  const key = match ? ring.keys.get(Number(match[1])) : undefined;
  const payload = match ? fromBase64url(match[2]) : null;
  const mac = match ? fromBase64url(match[3]) : null;
  if (!key || payload?.length !== PAYLOAD_BYTES || !mac || payload[0] !== FORMAT) return null;
  // crypto.subtle.verify compares in constant time.
  if (!(await crypto.subtle.verify("HMAC", key, mac, encode(`${match![1]}.${match![2]}`)))) return null;
  const view = new DataView(payload.buffer);
  return {
    id: uuidOf(payload.subarray(1, 17)),
    tenantId: uuidOf(payload.subarray(17, 33)),
    sessionId: uuidOf(payload.subarray(33, 49)),
    policyVersion: view.getUint32(49),
    expiresAt: new Date(view.getUint32(53) * 1000),
  };
}

/** Callers pass validated UUIDs (the route checks the session id). */
function uuidBytes(uuid: string): Uint8Array {
  return Uint8Array.from(uuid.replaceAll("-", "").match(/../g)!, (pair) => parseInt(pair, 16));
}

function uuidOf(bytes: Uint8Array): string {
  const hex = toHex(bytes);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

function encode(text: string): Uint8Array<ArrayBuffer> {
  return new Uint8Array(new TextEncoder().encode(text));
}
