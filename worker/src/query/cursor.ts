// Keyset pagination: a page ends at (time, id); the next page starts strictly after it. Opaque to
// clients (base64url of JSON), stable under inserts, no OFFSET scans.
import { base64url, fromBase64url } from "../byte-encoding.ts";

export type Cursor = { time: string; id: string };

export function encodeCursor(cursor: Cursor): string {
  return base64url(new TextEncoder().encode(JSON.stringify([cursor.time, cursor.id])));
}

/** Undefined without a cursor, null for one this API did not write. */
export function decodeCursor(text: string | undefined): Cursor | null | undefined {
  if (text === undefined) return undefined;
  const bytes = fromBase64url(text);
  if (!bytes) return null;
  try {
    const [time, id] = JSON.parse(new TextDecoder().decode(bytes)) as unknown[];
    if (typeof time !== "string" || typeof id !== "string" || Number.isNaN(Date.parse(time))) return null;
    return { time, id };
  } catch {
    return null;
  }
}
