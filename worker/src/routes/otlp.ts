// OTLP/HTTP 1.x ingest: POST /v1/traces|logs|metrics with a bearer API token. Backend tokens send
// anything from anywhere; frontend (browser) tokens send traces only, only from the tenant's
// allowed origins, through the privacy firewall, and with a valid consent receipt where the tenant
// requires one (consent/receipt-check.ts). Every answer is in the request's encoding and
// every error is a google.rpc.Status (OTLP spec); nothing is answered 200 unless it is stored.
import { Hono, type Context } from "hono";
import type { AppEnv } from "../env.ts";
import { HttpError } from "../errors.ts";
import { readConsentReceipt, RECEIPT_HEADER, requireConsentReceipt } from "../consent/receipt-check.ts";
import { requireApiToken } from "../middleware/api-token.ts";
import { admitBrowserOrigin, answerPreflight, limitPerBrowserIp } from "../middleware/browser-origin.ts";
import { enforceRateLimit } from "../middleware/rate-limit.ts";
import type { Signal } from "../otlp/decode.ts";
import { prepareBatch, type Batch } from "../otlp/ingest.ts";
import type { EdgeFacts } from "../otlp/privacy-firewall.ts";
import { encodingOf, readBody } from "../otlp/request-body.ts";
import { exportResponse, statusResponse, type OtlpBody } from "../otlp/response.ts";
import { cachedPlanOf } from "../otlp/tenant-plan.ts";
import { policyFor } from "../rate-limit/consume.ts";
import { tenantKey } from "../rate-limit/keys.ts";

/** Seconds an exporter should wait before retrying when storage is down. */
const STORAGE_RETRY_AFTER_SECONDS = 5;
const SIGNAL = "/:signal{traces|logs|metrics}";
const CORS_REQUEST_HEADERS = `Authorization, Content-Type, Content-Encoding, ${RECEIPT_HEADER}`;

export const otlp = new Hono<AppEnv>();

otlp.onError((error, c) => {
  if (error instanceof HttpError) return answer(c, error.status, statusOf(c, error), error.headers);
  // Past the checks every failure is the database's (auth lookup, plan, insert): retryable, and
  // nothing was stored, so the exporter keeps the batch and retries.
  console.error(JSON.stringify({ msg: "ingest failed", requestId: c.var.requestId, error: String(error) }));
  const unavailable = new HttpError(
    503,
    "STORAGE_UNAVAILABLE",
    "Telemetry storage is unavailable; retry later",
  );
  return answer(c, 503, statusOf(c, unavailable), { "Retry-After": String(STORAGE_RETRY_AFTER_SECONDS) });
});

/** CORS preflight: only traces, since frontend tokens cannot send logs or metrics. */
otlp.options(SIGNAL, (c) =>
  answerPreflight(
    c,
    c.req.param("signal") === "traces" ? { methods: "POST", headers: CORS_REQUEST_HEADERS } : null,
  ),
);

otlp.post(SIGNAL, async (c, next) => {
  // Before authentication: a body we could never read is refused without a database query.
  if (!encodingOf(c.req.header("Content-Type"))) {
    throw new HttpError(415, "UNSUPPORTED_MEDIA_TYPE", "Use application/x-protobuf or application/json");
  }
  await next();
});

otlp.post(SIGNAL, readConsentReceipt, requireApiToken, async (c) => {
  const signal = c.req.param("signal") as Signal;
  const token = c.var.apiToken;
  const browser = token.type === "frontend" ? await admitBrowser(c, signal, token.tenantId) : undefined;
  // In the request path, before the batch is read, stored or queued (docs/ingest.md).
  if (browser) browser.sessionId = await requireConsentReceipt(c);
  const encoding = encodingOf(c.req.header("Content-Type"))!;
  const body = await readBody(c.req.raw);
  if (!body.ok) throw new HttpError(body.status, body.code, body.message);
  const prepared = prepareBatch(signal, encoding, body.bytes, Date.now(), browser);
  if (!prepared.ok) throw new HttpError(400, "INVALID_REQUEST", prepared.message);
  const batch = prepared.batch;
  const weight = Math.max(batch.received, 1);
  if (browser) await limitPerBrowserIp(c, weight);
  const plan = await cachedPlanOf(c.var.db, token.tenantId);
  await enforceRateLimit(c, tenantKey(token.tenantId), policyFor("ingest", plan, token.tenantId), weight);
  await storeBatch(c, batch, token.tenantId);
  return answer(c, 200, exportResponse(signal, encoding, batch.rejected, batch.errorMessage));
});

async function storeBatch(c: Context<AppEnv>, batch: Batch, tenantId: string): Promise<void> {
  const { inserted } = await batch.store(c.var.db, tenantId);
  const duplicates = batch.received - batch.rejected - inserted;
  if (duplicates > 0) {
    console.log(JSON.stringify({ msg: "ingest duplicates skipped", requestId: c.var.requestId, duplicates }));
  }
}

/** Frontend tokens: traces only, from an allowed origin of the token's tenant. */
async function admitBrowser(c: Context<AppEnv>, signal: Signal, tenantId: string): Promise<EdgeFacts> {
  if (signal !== "traces")
    throw new HttpError(403, "TOKEN_NOT_ALLOWED", "Frontend tokens can only send traces");
  await admitBrowserOrigin(c, tenantId);
  const cf = c.req.raw.cf as { country?: string; colo?: string } | undefined;
  return { country: cf?.country, colo: cf?.colo };
}

function statusOf(c: Context<AppEnv>, error: HttpError): OtlpBody {
  const encoding = encodingOf(c.req.header("Content-Type")) ?? "json";
  return statusResponse(encoding, error.status, error.code, error.detail ?? "", c.var.requestId);
}

function answer(c: Context<AppEnv>, status: number, { body, contentType }: OtlpBody, headers = {}): Response {
  return c.body(body as string, status as 200, { ...headers, "Content-Type": contentType });
}
