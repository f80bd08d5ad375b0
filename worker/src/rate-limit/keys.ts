/**
 * The name of a limiter object. A key comes only from what the server established: a tenant or
 * token id from a verified credential, the connecting IP as Cloudflare's edge reports it
 * (CF-Connecting-IP, which the edge sets and overwrites), or an email being signed in to.
 * Client-chosen headers such as X-Forwarded-For or X-Real-IP are never read. IPs and emails are
 * HMAC'd with a server secret so the object names (and logs) never hold them raw, and no one
 * without the secret can precompute the name for a given IP.
 */
import { hex } from "../byte-encoding.ts";

export type KeyKind = "tenant" | "token" | "ip" | "account" | "global";
export type LimitKey = `${KeyKind}:${string}`;

export const tenantKey = (tenantId: string): LimitKey => `tenant:${tenantId}`;
/** One object for the whole service: wrong sign-in codes from everyone, everywhere. */
export const CODE_FAILURES_KEY: LimitKey = "global:sign-in-code-failures";
export const tokenKey = (tokenId: string): LimitKey => `token:${tokenId}`;

export function kindOf(key: LimitKey): KeyKind {
  return key.slice(0, key.indexOf(":")) as KeyKind;
}

/**
 * `ip:<hmac>` for the connecting IP, or null when the platform reported none: on Cloudflare every
 * request from the internet has CF-Connecting-IP, so only direct local calls (tests, internal
 * dispatch) lack it, and those still meet the per-account limit on sign-in.
 */
export async function ipKey(request: Request, secret: string): Promise<LimitKey | null> {
  const ip = request.headers.get("CF-Connecting-IP");
  return ip ? `ip:${await keyedHash(secret, ip)}` : null;
}

/**
 * `account:<hmac>` of the normalized email being signed in to, whether or not such an account
 * exists: keying by user id would need a lookup first and would answer differently for unknown
 * emails (an enumeration oracle).
 */
export async function accountKey(email: string, secret: string): Promise<LimitKey> {
  return `account:${await keyedHash(secret, email.trim().toLowerCase())}`;
}

async function keyedHash(secret: string, value: string): Promise<string> {
  if (!secret) throw new Error("RATE_LIMIT_SALT is not configured");
  const encoder = new TextEncoder();
  const key = await crypto.subtle.importKey(
    "raw",
    encoder.encode(secret),
    { name: "HMAC", hash: "SHA-256" },
    false,
    ["sign"],
  );
  const mac = await crypto.subtle.sign("HMAC", key, encoder.encode(value));
  return hex(new Uint8Array(mac));
}
