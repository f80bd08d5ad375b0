// Keyset pagination: a page ends at (time, id); the next page starts strictly after it. Opaque to
// clients (base64url of JSON), stable under inserts, no OFFSET scans.
export type Cursor = { time: string; id: string };

export function encodeCursor(cursor: Cursor): string {
  return btoa(JSON.stringify([cursor.time, cursor.id]))
    .replaceAll("+", "-")
    .replaceAll("/", "_")
    .replaceAll("=", "");
}

export function decodeCursor(text: string | undefined): Cursor | null | undefined {
  if (text === undefined) return undefined;
  try {
    const [time, id] = JSON.parse(atob(text.replaceAll("-", "+").replaceAll("_", "/"))) as unknown[];
    if (typeof time !== "string" || typeof id !== "string" || Number.isNaN(Date.parse(time))) return null;
    return { time, id };
  } catch {
    return null;
  }
}
