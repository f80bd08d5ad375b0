// OTLP/HTTP 1.x ingest: POST /v1/traces|logs|metrics with a bearer API token. Backend tokens send
// anything from anywhere; frontend (browser) tokens send traces and logs, only from the tenant's
// allowed origins, through the privacy firewall, and with a valid consent receipt where the tenant
// requires one (consent/receipt-check.ts). Every answer is in the request's encoding and every error
// is a google.rpc.Status (OTLP spec); nothing is answered 200 unless the queue holds it
// (worker/src/ingest-queue/: the consumer stores it, retrying until it is).
import { Hono, type Context } from "hono";
import type { AppEnv } from "../env.ts";
import { describeError, HttpError } from "../errors.ts";
import { readConsentReceipt, RECEIPT_HEADER, requireConsentReceipt } from "../consent/receipt-check.ts";
import { requireApiToken } from "../middleware/api-token.ts";
import { admitBrowserOrigin, answerPreflight, limitPerBrowserIp } from "../middleware/browser-origin.ts";
import { enforceRateLimit } from "../middleware/rate-limit.ts";
import type { Signal } from "../otlp/decode.ts";
import { enqueueRows } from "../ingest-queue/producer.ts";
import { RowTooLargeError } from "../ingest-queue/message.ts";
import type { EdgeFacts } from "../otlp/privacy-firewall.ts";
import { encodingOf, readBody } from "../otlp/request-body.ts";
import type { OtlpBody } from "../otlp/response.ts";
import { isStorageUnavailable } from "../storage-failure.ts";
import { lazyModule } from "../lazy-module.ts";
import { policyFor } from "../rate-limit/consume.ts";
import { tenantKey } from "../rate-limit/keys.ts";

/** Seconds an exporter should wait before retrying when storage is down. */
const STORAGE_RETRY_AFTER_SECONDS = 5;
const SIGNAL = "/:signal{traces|logs|metrics}";
/**
 * Items (spans, log records, data points) per request, whatever the quota: a standard exporter
 * sends 512 (SDK) to 8,192 (Collector) at a time. Lower when a bucket the request spends from is
 * smaller (a request above a bucket's burst could never pass). docs/ingest.md "Limits".
 */
export const MAX_ITEMS_PER_REQUEST = 10_000;
const ITEM_NAMES: Record<Signal, string> = { traces: "spans", logs: "log records", metrics: "data points" };
const CORS_REQUEST_HEADERS = `Authorization, Content-Type, Content-Encoding, ${RECEIPT_HEADER}`;

// The protobuf runtime, the OTLP schemas and the decoder, loaded by the first ingest request: a large
// share of the Worker's code that no other route needs (docs/round-trips.md, "Cold start").
const decoder = lazyModule(() => import("../otlp/ingest.ts"));
const responses = lazyModule(() => import("../otlp/response.ts"));

export const otlp = new Hono<AppEnv>();

otlp.onError(async (error, c) => {
  if (error instanceof HttpError) return answer(c, error.status, await statusOf(c, error), error.headers);
  // Only a database that cannot be reached (or must be retried) is worth a retry: nothing was
  // stored and the exporter keeps the batch. Anything else is a bug or data we cannot store, and a
  // retry would fail the same way forever: 500, which OTLP exporters do not retry.
  const unavailable = isStorageUnavailable(error);
  console.error(
    JSON.stringify({
      msg: unavailable ? "ingest failed: storage unavailable" : "ingest failed",
      requestId: c.var.requestId,
      error: describeError(error),
    }),
  );
  if (!unavailable) return answer(c, 500, await statusOf(c, new HttpError(500, "INTERNAL_ERROR")));
  const refusal = new HttpError(503, "STORAGE_UNAVAILABLE", "Telemetry storage is unavailable; retry later");
  return answer(c, 503, await statusOf(c, refusal), {
    "Retry-After": String(STORAGE_RETRY_AFTER_SECONDS),
  });
});

/** CORS preflight: traces and logs, the signals frontend tokens may send. */
otlp.options(SIGNAL, (c) =>
  answerPreflight(
    c,
    BROWSER_SIGNALS.has(c.req.param("signal") as Signal)
      ? { methods: "POST", headers: CORS_REQUEST_HEADERS }
      : null,
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
  const browser = token.type === "frontend" ? admitBrowser(c, signal) : undefined;
  // In the request path, before the batch is read, stored or queued (docs/ingest.md).
  if (browser) {
    browser.sessionId = await requireConsentReceipt(c);
    browser.logText = token.browserLogText;
  }
  const encoding = encodingOf(c.req.header("Content-Type"))!;
  const body = await readBody(c.req.raw);
  if (!body.ok) throw new HttpError(body.status, body.code, body.message);
  const { decodeExport } = await decoder();
  const decoded = decodeExport(signal, encoding, body.bytes);
  if (!decoded.ok) {
    throw new HttpError(
      decoded.status,
      decoded.status === 413 ? "PAYLOAD_TOO_LARGE" : "INVALID_REQUEST",
      decoded.message,
    );
  }
  // Refused or charged in full before anything is mapped: every bucket this request spends from
  // must be able to hold it whole, or it could never pass (and a cheaper charge is a free ride).
  // The plan and the operator's limits came with the token lookup (no round trip of their own).
  const policies = [
    ...(browser ? [policyFor("browser")] : []),
    policyFor("ingest", token.plan, token.limits),
  ];
  const cap = Math.min(MAX_ITEMS_PER_REQUEST, ...policies.map((policy) => policy.quota.quota));
  if (decoded.items > cap) {
    throw new HttpError(
      413,
      "TOO_MANY_ITEMS",
      `${decoded.items} ${ITEM_NAMES[signal]} in one request; at most ${cap} per request`,
    );
  }
  const weight = Math.max(decoded.items, 1);
  if (browser) await limitPerBrowserIp(c, weight);
  await enforceRateLimit(c, tenantKey(token.tenantId), policies.at(-1)!, weight);
  // The tenant's route patterns came with the token lookup too: a change applies to the next request.
  const batch = decoded.prepare(Date.now(), { browser, routes: token.routePatterns });
  await queueBatch(c, signal, batch.rows, token.tenantId);
  const { exportResponse } = await responses();
  return answer(c, 200, exportResponse(signal, encoding, batch.rejected, batch.errorMessage));
});

async function queueBatch(c: Context<AppEnv>, signal: Signal, rows: readonly object[], tenantId: string) {
  try {
    await enqueueRows(c.env.INGEST_QUEUE, tenantId, signal, rows);
  } catch (error) {
    if (error instanceof RowTooLargeError)
      throw new HttpError(413, "ITEM_TOO_LARGE", error.message, {}, { cause: error });
    throw error;
  }
}

/**
 * What a frontend token may send: traces (the Sightline SDK) and logs (OpenTelemetry's browser
 * instrumentations send web vitals as log events); both pass the privacy firewall. Metrics no.
 */
const BROWSER_SIGNALS: ReadonlySet<Signal> = new Set(["traces", "logs"]);

/** Frontend tokens: traces and logs, from an allowed origin of the token's tenant. */
function admitBrowser(c: Context<AppEnv>, signal: Signal): EdgeFacts {
  if (!BROWSER_SIGNALS.has(signal))
    throw new HttpError(403, "TOKEN_NOT_ALLOWED", "Frontend tokens can only send traces and logs");
  admitBrowserOrigin(c);
  const cf = c.req.raw.cf as { country?: string; colo?: string } | undefined;
  return { country: cf?.country, colo: cf?.colo };
}

async function statusOf(c: Context<AppEnv>, error: HttpError): Promise<OtlpBody> {
  const encoding = encodingOf(c.req.header("Content-Type")) ?? "json";
  const { statusResponse } = await responses();
  return statusResponse(encoding, error.status, error.code, error.detail ?? "", c.var.requestId);
}

function answer(c: Context<AppEnv>, status: number, { body, contentType }: OtlpBody, headers = {}): Response {
  return c.body(body as string, status as 200, { ...headers, "Content-Type": contentType });
}
