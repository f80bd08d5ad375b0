// The one implementation of bytes ⇄ base64, base64url and hex (RFC 4648). Safe for any size:
// bytes become a binary string in chunks, never by spreading an array into one call (V8 throws
// RangeError past ~125 k arguments: a 250 KB OTLP bytesValue once failed a whole batch that way).

/** Arguments per String.fromCharCode call: far below any engine's limit. */
const CHUNK = 0x2000;

function binaryOf(bytes: Uint8Array): string {
  let binary = "";
  for (let start = 0; start < bytes.length; start += CHUNK) {
    binary += String.fromCharCode.apply(null, bytes.subarray(start, start + CHUNK) as unknown as number[]);
  }
  return binary;
}

/** Standard base64 with padding (OTLP/JSON bytes, proto3 JSON). */
export function base64(bytes: Uint8Array): string {
  return btoa(binaryOf(bytes));
}

/** Base64url without padding (§5), as WebAuthn and our tokens use it. */
export function base64url(bytes: Uint8Array): string {
  return base64(bytes).replaceAll("+", "-").replaceAll("/", "_").replace(/=+$/, "");
}

/** Null for anything that is not standard base64 (padding optional). */
export function fromBase64(text: string): Uint8Array<ArrayBuffer> | null {
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(text)) return null;
  try {
    return Uint8Array.from(atob(text), (char) => char.charCodeAt(0));
  } catch {
    return null;
  }
}

/** Null for anything that is not base64url. */
export function fromBase64url(text: string): Uint8Array<ArrayBuffer> | null {
  if (!/^[A-Za-z0-9_-]*$/.test(text)) return null;
  return fromBase64(text.replaceAll("-", "+").replaceAll("_", "/"));
}

/** Two hex digits per byte value, built once: ids are converted for every span of every batch. */
const HEX = Array.from({ length: 256 }, (_, byte) => byte.toString(16).padStart(2, "0"));

/** Lower-case hex. */
export function hex(bytes: Uint8Array): string {
  let text = "";
  for (let i = 0; i < bytes.length; i++) text += HEX[bytes[i]];
  return text;
}

/** Hex digit (either case) → its value; 255 for any other character. */
const HEX_VALUE = new Uint8Array(128).fill(255);
for (let digit = 0; digit < 16; digit++) {
  HEX_VALUE[digit.toString(16).charCodeAt(0)] = digit;
  HEX_VALUE[digit.toString(16).toUpperCase().charCodeAt(0)] = digit;
}

/** Null for anything that is not an even number of hex digits. */
export function fromHex(text: string): Uint8Array<ArrayBuffer> | null {
  if (text.length % 2 !== 0) return null;
  const bytes = new Uint8Array(text.length / 2);
  for (let i = 0; i < bytes.length; i++) {
    // Codes past 127 index outside the table (undefined), which fails the check as 255 does.
    const high = HEX_VALUE[text.charCodeAt(2 * i)];
    const low = HEX_VALUE[text.charCodeAt(2 * i + 1)];
    if (!(high < 16 && low < 16)) return null;
    bytes[i] = high * 16 + low;
  }
  return bytes;
}
