// Consent receipt helpers: ask /v1/consent as a page on an allowed origin would, and send a browser
// trace batch with (or without) a receipt.
import { call } from "../helpers.ts";
import { nowNanos, randomHex } from "./telemetry.ts";

export const SHOP = "https://shop.example";

export type ReceiptInit = {
  origin?: string;
  sessionId?: string;
  policyVersion?: number;
  headers?: Record<string, string>;
  body?: unknown;
};

export function askReceipt(token: string, init: ReceiptInit = {}): Promise<Response> {
  return call("/v1/consent", {
    method: "POST",
    headers: {
      Authorization: `Bearer ${token}`,
      "Content-Type": "application/json",
      Origin: init.origin ?? SHOP,
      ...init.headers,
    },
    body: JSON.stringify(
      init.body ?? {
        sessionId: init.sessionId ?? crypto.randomUUID(),
        policyVersion: init.policyVersion ?? 1,
      },
    ),
  });
}

/** A fresh receipt of `token`'s tenant (throws unless issued). */
export async function receiptOf(token: string, init: ReceiptInit = {}): Promise<string> {
  const response = await askReceipt(token, init);
  if (response.status !== 201) throw new Error(`no receipt: ${response.status} ${await response.text()}`);
  return ((await response.json()) as { receipt: string }).receipt;
}

export function revoke(token: string, receipt: string | undefined, origin = SHOP): Promise<Response> {
  const headers: Record<string, string> = { Authorization: `Bearer ${token}`, Origin: origin };
  if (receipt !== undefined) headers["Sightline-Consent"] = receipt;
  return call("/v1/consent", { method: "DELETE", headers });
}

/** One browser page-view span as OTLP/JSON, claiming `sessionId`. */
export function browserBatch(sessionId = crypto.randomUUID()): string {
  return JSON.stringify({
    resourceSpans: [
      {
        resource: {
          attributes: [
            { key: "service.name", value: { stringValue: "shop-web" } },
            { key: "session.id", value: { stringValue: sessionId } },
          ],
        },
        scopeSpans: [
          {
            spans: [
              {
                traceId: randomHex(16),
                spanId: randomHex(8),
                name: "browser.page_view",
                kind: 1,
                startTimeUnixNano: nowNanos(-1000),
                endTimeUnixNano: nowNanos(),
              },
            ],
          },
        ],
      },
    ],
  });
}

export function sendBatch(token: string, receipt?: string, body = browserBatch()): Promise<Response> {
  const headers: Record<string, string> = {
    Authorization: `Bearer ${token}`,
    "Content-Type": "application/json",
    Origin: SHOP,
  };
  if (receipt !== undefined) headers["Sightline-Consent"] = receipt;
  return call("/v1/traces", { method: "POST", headers, body });
}

/** The OTLP Status message of a refused batch (JSON encoding). */
export async function statusMessageOf(response: Response): Promise<string> {
  return ((await response.json()) as { message: string }).message;
}
