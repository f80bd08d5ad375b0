// One OTLP export, from decoded request to the rows to store: no Hono, no HTTP. The route decides
// who may send what; this decides what gets stored (the queue consumer stores it).
import { decodeRequest, type RequestOf, type Signal } from "./decode.ts";
import { mapLogs } from "./map-logs.ts";
import { mapMetrics } from "./map-metrics.ts";
import { mapSpans } from "./map-spans.ts";
import type { EdgeFacts } from "./privacy-firewall.ts";
import type { Mapped } from "./rejections.ts";
import type { OtlpEncoding } from "./request-body.ts";

export type Batch = {
  /** Items received (stored + rejected): the rate limiter's weight. */
  received: number;
  rejected: number;
  errorMessage: string;
  /** The valid items as rows of the signal's table (what the queue carries). */
  rows: readonly object[];
};

export type Prepared = { ok: true; batch: Batch } | { ok: false; message: string };

/** Decodes and maps a body; `browser` applies the privacy firewall (frontend tokens, traces only). */
export function prepareBatch(
  signal: Signal,
  encoding: OtlpEncoding,
  bytes: Uint8Array,
  now: number,
  browser?: EdgeFacts,
): Prepared {
  const decoded = decodeRequest(signal, encoding, bytes);
  if (!decoded.ok) return decoded;
  const request = decoded.request;
  switch (signal) {
    case "traces":
      return batchOf(mapSpans(request as RequestOf["traces"], now, browser));
    case "logs":
      return batchOf(mapLogs(request as RequestOf["logs"], now));
    case "metrics":
      return batchOf(mapMetrics(request as RequestOf["metrics"], now));
  }
}

function batchOf(mapped: Mapped<object>): Prepared {
  return {
    ok: true,
    batch: {
      received: mapped.rows.length + mapped.rejected,
      rejected: mapped.rejected,
      errorMessage: mapped.errorMessage,
      rows: mapped.rows,
    },
  };
}
