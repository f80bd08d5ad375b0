// OTLP/HTTP JSON exporter for the browser. Unlike the stock OTLPTraceExporter it never retries:
// a 429/503 silences the SDK for Retry-After (dropping what it would have sent, as Faro does), and
// once consent is withdrawn every export is dropped before any request is made. With `receipt`, each
// batch waits for the tab's consent receipt and carries it; without one it is dropped, unsent.
import { ExportResultCode, type ExportResult } from "@opentelemetry/core";
import { JsonTraceSerializer } from "@opentelemetry/otlp-transformer";
import type { ReadableSpan, SpanExporter } from "@opentelemetry/sdk-trace";
import { RECEIPT_HEADER } from "./receipt.ts";

// Browsers refuse keepalive bodies once 64 KiB are in flight; leave room for a second batch.
const KEEPALIVE_LIMIT_BYTES = 60_000;
const DEFAULT_SILENCE_MS = 60_000;

export type ExporterOptions = {
  url: string;
  token: string;
  /** The consent receipt to send (docs/rum-sdk.md); undefined = no receipt yet, drop the batch. */
  receipt?: () => Promise<string | undefined>;
  fetch?: typeof fetch;
  now?: () => number;
};

export class RumExporter implements SpanExporter {
  #silentUntil = 0;
  #withdrawn = false;
  readonly #options: Required<Omit<ExporterOptions, "receipt">> & Pick<ExporterOptions, "receipt">;

  constructor(options: ExporterOptions) {
    this.#options = {
      fetch: (...args) => globalThis.fetch(...args),
      now: () => Date.now(),
      ...options,
    };
  }

  export(spans: ReadableSpan[], done: (result: ExportResult) => void): void {
    if (this.#withdrawn || this.#options.now() < this.#silentUntil || spans.length === 0) {
      done({ code: ExportResultCode.FAILED });
      return;
    }
    this.#send(spans).then(done);
  }

  /** Drops everything from now on, without a final request. */
  withdraw(): void {
    this.#withdrawn = true;
  }

  shutdown(): Promise<void> {
    this.#withdrawn = true;
    return Promise.resolve();
  }

  forceFlush(): Promise<void> {
    return Promise.resolve();
  }

  async #send(spans: ReadableSpan[]): Promise<ExportResult> {
    try {
      const body = JsonTraceSerializer.serializeRequest(spans);
      const headers: Record<string, string> = {
        "content-type": "application/json",
        authorization: `Bearer ${this.#options.token}`,
      };
      if (this.#options.receipt) {
        const receipt = await this.#options.receipt();
        // Withdrawn while the receipt was on its way: nothing leaves.
        if (!receipt || this.#withdrawn) return { code: ExportResultCode.FAILED };
        headers[RECEIPT_HEADER] = receipt;
      }
      if (!body) return { code: ExportResultCode.FAILED };
      const response = await this.#options.fetch(this.#options.url, {
        method: "POST",
        headers,
        body: body as Uint8Array<ArrayBuffer>,
        // The session cookie has no business on ingest requests.
        credentials: "omit",
        // Lets the last batch outlive the page when it is hidden or unloaded.
        keepalive: body.byteLength <= KEEPALIVE_LIMIT_BYTES,
      });
      if (response.status === 429 || response.status === 503) {
        this.#silentUntil =
          this.#options.now() + retryAfterMs(response.headers.get("retry-after"), this.#options.now());
      }
      return { code: response.ok ? ExportResultCode.SUCCESS : ExportResultCode.FAILED };
    } catch {
      // Offline, blocked or aborted: telemetry is best effort and must never reach the page.
      return { code: ExportResultCode.FAILED };
    }
  }
}

/** Retry-After as delta-seconds or an HTTP date (RFC 9110 §10.2.3); a minute when absent or invalid. */
export function retryAfterMs(header: string | null, now: number): number {
  if (header === null) return DEFAULT_SILENCE_MS;
  if (/^\d+$/.test(header.trim())) return Number(header.trim()) * 1000;
  const date = Date.parse(header);
  return Number.isNaN(date) ? DEFAULT_SILENCE_MS : Math.max(0, date - now);
}
