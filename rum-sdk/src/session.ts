// The tab-scoped visit: a random UUID v4, the page-view order and the tab's consent receipt, in
// sessionStorage (so it dies with the tab). Written only after consent (or on dashboard pages) and
// deleted on withdrawal.

export const SESSION_KEY = "sightline-rum-session";

/** `receipt`/`receiptExpiresAt` (ms): the consent receipt bound to this session (receipt.ts). */
export type Session = {
  id: string;
  pages: number;
  lastPath?: string;
  receipt?: string;
  receiptExpiresAt?: number;
};

/** Reads the tab's session (starting one if needed) and records a page view on `path`. */
export function recordPageView(
  storage: Storage,
  path: string,
  newId: () => string,
): { session: Session; previousPath?: string } {
  const session = readSession(storage) ?? { id: newId(), pages: 0 };
  const previousPath = session.lastPath;
  const next: Session = { ...session, pages: session.pages + 1, lastPath: path };
  storage.setItem(SESSION_KEY, JSON.stringify(next));
  return { session: next, previousPath };
}

/** Keeps a receipt with its session, unless the tab's session changed meanwhile (withdrawal). */
export function saveReceipt(storage: Storage, sessionId: string, receipt: string, expiresAt: number): void {
  const session = readSession(storage);
  if (session?.id !== sessionId) return;
  storage.setItem(SESSION_KEY, JSON.stringify({ ...session, receipt, receiptExpiresAt: expiresAt }));
}

export function deleteSession(storage: Storage): void {
  storage.removeItem(SESSION_KEY);
}

export function readSession(storage: Storage): Session | null {
  try {
    const value: unknown = JSON.parse(storage.getItem(SESSION_KEY) ?? "null");
    if (isSession(value)) return value;
  } catch {
    // a corrupt entry is replaced by a fresh session
  }
  return null;
}

function isSession(value: unknown): value is Session {
  if (typeof value !== "object" || value === null) return false;
  const { id, pages } = value as Record<string, unknown>;
  return typeof id === "string" && /^[0-9a-f-]{36}$/.test(id) && typeof pages === "number";
}
