// Consent receipts for browsers (docs/api.md, "Consent"): POST /v1/consent issues one when a
// visitor accepts, DELETE /v1/consent revokes it when they withdraw. Frontend tokens only, from the
// tenant's allowed origins, CORS like the other /v1 routes and never with credentials: no cookie
// is read or set. Both events go to the tenant's consent log; the IP is never recorded.
import { Hono } from "hono";
import { createMiddleware } from "hono/factory";
import * as v from "valibot";
import { recordConsentEvent } from "../consent/consent-log.ts";
import { readConsentReceipt, RECEIPT_HEADER } from "../consent/receipt-check.ts";
import { RECEIPT_TTL_MS, signingRingFor, signReceipt } from "../consent/receipts.ts";
import type { AppEnv } from "../env.ts";
import { HttpError } from "../errors.ts";
import { requireApiToken } from "../middleware/api-token.ts";
import { admitBrowserOrigin, answerPreflight, limitPerBrowserIp } from "../middleware/browser-origin.ts";
import { jsonBody, uuid } from "../request-schema.ts";

const PREFLIGHT = { methods: "POST, DELETE", headers: `Authorization, Content-Type, ${RECEIPT_HEADER}` };

/** Frontend tokens from an allowed origin, one request of the per-IP browser bucket. */
const admitFrontend = createMiddleware<AppEnv>(async (c, next) => {
  if (c.var.apiToken.type !== "frontend")
    throw new HttpError(403, "TOKEN_NOT_ALLOWED", "Consent receipts are for frontend tokens");
  admitBrowserOrigin(c);
  await limitPerBrowserIp(c, 1);
  await next();
});

const POSITIVE = "expected a positive integer";
const receiptRequest = jsonBody(
  v.strictObject({
    sessionId: uuid("expected the tab's session UUID"),
    policyVersion: v.pipe(v.number(POSITIVE), v.integer(POSITIVE), v.minValue(1, POSITIVE)),
    gpcOptIn: v.optional(v.boolean("expected a boolean")),
  }),
);

export const consent = new Hono<AppEnv>()
  .options("/", (c) => answerPreflight(c, PREFLIGHT))
  .post("/", requireApiToken, admitFrontend, ...receiptRequest, async (c) => {
    const token = c.var.apiToken;
    const request = c.req.valid("json");
    // Global Privacy Control is a refusal unless the visitor opted in explicitly on the banner.
    const gpc = c.req.header("Sec-GPC")?.trim() === "1";
    if (gpc && request.gpcOptIn !== true) {
      throw new HttpError(
        403,
        "GPC_OPT_OUT",
        "Sec-GPC: 1 is a refusal; send gpcOptIn: true for an explicit opt-in",
      );
    }
    const current = token.consent.policyVersion;
    if (request.policyVersion !== current) {
      throw new HttpError(
        409,
        "POLICY_VERSION_MISMATCH",
        `policyVersion: the tenant's policy is version ${current}`,
      );
    }
    const now = new Date();
    const receipt = {
      id: crypto.randomUUID(),
      tenantId: token.tenantId,
      sessionId: request.sessionId,
      policyVersion: current,
      expiresAt: new Date(now.getTime() + RECEIPT_TTL_MS),
    };
    await recordConsentEvent(c.var.db, token.tenantId, {
      receiptId: receipt.id,
      choice: "accepted",
      occurredAt: now,
      policyVersion: current,
      overrodeGpc: gpc,
    });
    const signed = await signReceipt(await signingRingFor(c.env.CONSENT_RECEIPT_KEYS), receipt);
    return c.json({ receipt: signed, expiresAt: receipt.expiresAt.toISOString() }, 201);
  })
  .delete("/", readConsentReceipt, requireApiToken, admitFrontend, async (c) => {
    const token = c.var.apiToken;
    const receipt = c.var.consentReceipt;
    if (receipt === undefined)
      throw new HttpError(400, "INVALID_REQUEST", `${RECEIPT_HEADER}: the receipt to withdraw is required`);
    if (receipt === null || receipt.tenantId !== token.tenantId)
      throw new HttpError(403, "CONSENT_RECEIPT_INVALID", "Not a receipt of this tenant");
    // Also for an expired or outdated receipt: withdrawing is always possible, and idempotent.
    await recordConsentEvent(c.var.db, token.tenantId, {
      receiptId: receipt.id,
      choice: "withdrawn",
      occurredAt: new Date(),
      policyVersion: receipt.policyVersion,
      overrodeGpc: false,
    });
    return c.body(null, 204);
  });
