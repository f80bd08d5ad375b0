// The consent check of browser ingest, in the request path before anything is read, stored or
// queued. The receipt's signature is checked before the token lookup (pure crypto), and whether it
// was withdrawn, with the tenant's policy, comes back from that same lookup
// (app_authenticate_api_token_with_receipt): enforcing consent costs no extra database round trip.
import type { Context } from "hono";
import { factory, type AppEnv } from "../env.ts";
import { HttpError } from "../errors.ts";
import { countConsentRefusal } from "./consent-log.ts";
import { signingRingFor, verifyReceipt } from "./receipts.ts";

/** The request header that carries a receipt, on batches and on DELETE /v1/consent. */
export const RECEIPT_HEADER = "Sightline-Consent";
const MAX_RECEIPT_LENGTH = 200;

/** Sets c.var.consentReceipt: the verified receipt, null for a bad one, undefined for none. */
export const readConsentReceipt = factory.createMiddleware(async (c, next) => {
  const text = c.req.header(RECEIPT_HEADER);
  if (text !== undefined) {
    const ring = await signingRingFor(c.env.CONSENT_RECEIPT_KEYS);
    c.set("consentReceipt", text.length > MAX_RECEIPT_LENGTH ? null : await verifyReceipt(ring, text));
  }
  await next();
});

/** Why a receipt does not let a batch in, or null when it does. */
export function receiptProblem(c: Context<AppEnv>, now: Date): string | null {
  const { tenantId, consent } = c.var.apiToken;
  const receipt = c.var.consentReceipt;
  if (receipt === undefined) return `no receipt (send the ${RECEIPT_HEADER} header from POST /v1/consent)`;
  if (receipt === null || receipt.tenantId !== tenantId) return "the receipt is not valid for this tenant";
  if (receipt.expiresAt <= now) return "the receipt has expired";
  if (receipt.policyVersion !== consent.policyVersion) return "the receipt is for an older policy version";
  if (consent.receiptWithdrawn) return "consent was withdrawn";
  return null;
}

/**
 * Frontend batches of a tenant that requires consent: 403 CONSENT_REQUIRED (counted per tenant and
 * day) unless the receipt is valid. Answers the receipt's session, which the batch is attributed to.
 */
export async function requireConsentReceipt(c: Context<AppEnv>): Promise<string | undefined> {
  if (!c.var.apiToken.consent.required) return undefined;
  const now = new Date();
  const problem = receiptProblem(c, now);
  if (problem === null) return c.var.consentReceipt!.sessionId;
  try {
    await countConsentRefusal(c.var.db, c.var.apiToken.tenantId, now);
  } catch (error) {
    // A refusal stays a refusal (403, not retryable) even when it cannot be counted.
    console.error(
      JSON.stringify({
        msg: "consent refusal not counted",
        requestId: c.var.requestId,
        error: String(error),
      }),
    );
  }
  throw new HttpError(403, "CONSENT_REQUIRED", problem);
}
