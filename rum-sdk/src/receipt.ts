// Consent receipts (docs/rum-sdk.md, "Consent receipts"): once the visitor has accepted, the SDK
// asks POST /v1/consent for a receipt bound to the tab's session and sends it on every batch; a
// withdrawal revokes it at the server (DELETE /v1/consent), so even a batch already in flight or
// replayed later is refused. Nothing here runs before consent. The loader imports only
// `revokeReceipt` (it withdraws also on pages where the SDK never loaded).

export const RECEIPT_HEADER = "sightline-consent";
/** A stored receipt this close to its expiry is renewed rather than used. */
const RENEW_BEFORE_MS = 3600_000;

export type ReceiptRequest = {
  url: string;
  token: string;
  sessionId: string;
  policyVersion: number;
  /** The browser sends Global Privacy Control and the visitor accepted anyway, explicitly. */
  gpcOptIn: boolean;
  fetch?: typeof fetch;
};

export type Issued = { receipt: string; expiresAt: number };

/** The stored receipt if it still has a while to live. */
export function usableReceipt(
  stored: { receipt?: string; receiptExpiresAt?: number },
  now: number,
): string | undefined {
  return (stored.receiptExpiresAt ?? 0) - now > RENEW_BEFORE_MS ? stored.receipt : undefined;
}

/** A new receipt, or null when the server refused (or could not be reached). Never throws. */
export async function requestReceipt(request: ReceiptRequest): Promise<Issued | null> {
  const { url, token, sessionId, policyVersion, gpcOptIn } = request;
  try {
    const response = await (request.fetch ?? fetch)(url, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${token}` },
      body: JSON.stringify({ sessionId, policyVersion, ...(gpcOptIn ? { gpcOptIn } : {}) }),
      credentials: "omit",
    });
    if (response.status !== 201) return null;
    const { receipt, expiresAt } = (await response.json()) as { receipt?: unknown; expiresAt?: unknown };
    const expires = typeof expiresAt === "string" ? Date.parse(expiresAt) : NaN;
    return typeof receipt === "string" && !Number.isNaN(expires) ? { receipt, expiresAt: expires } : null;
  } catch {
    return null;
  }
}

/** Revokes a receipt at the server; fire and forget, never throws into the page. */
export function revokeReceipt(url: string, token: string, receipt: string): void {
  fetch(url, {
    method: "DELETE",
    headers: { authorization: `Bearer ${token}`, [RECEIPT_HEADER]: receipt },
    credentials: "omit",
    keepalive: true,
  }).catch(() => {});
}
