// One OTLP export, from request bytes to the rows to store: no Hono, no HTTP. The route decides who
// may send what; this decides what gets stored (the queue consumer stores it). Decoding is bounded
// (decode-budget.ts) and yields the item count first, so the route can refuse or charge a request
// before anything is mapped.
import { decodeRequest, type Refusal, type RequestOf, type Signal } from "./decode.ts";
import { mapLogs } from "./map-logs.ts";
import { mapMetrics } from "./map-metrics.ts";
import { mapSpans } from "./map-spans.ts";
import type { EdgeFacts } from "./privacy-firewall.ts";
import type { Mapped } from "./rejections.ts";
import type { OtlpEncoding } from "./request-body.ts";

/** Who sent the batch: a browser's edge facts (frontend tokens), the tenant's route patterns. */
export type MappingContext = { browser?: EdgeFacts; routes?: readonly string[] };

export type Batch = {
  /** Items received (stored + rejected). */
  received: number;
  rejected: number;
  errorMessage: string;
  /** The valid items as rows of the signal's table (what the queue carries). */
  rows: readonly object[];
};

/** A decoded export: `items` (spans, log records or data points) is what it costs. */
export type Decoded = {
  ok: true;
  items: number;
  /** Maps to rows; `browser` applies the privacy firewall (frontend tokens). */
  prepare: (now: number, context?: MappingContext) => Batch;
};

export function decodeExport(signal: Signal, encoding: OtlpEncoding, bytes: Uint8Array): Decoded | Refusal {
  const decoded = decodeRequest(signal, encoding, bytes);
  if (!decoded.ok) return decoded;
  const request = decoded.request;
  switch (signal) {
    case "traces": {
      const traces = request as RequestOf["traces"];
      return decodedOf(
        countOf(
          traces.resourceSpans,
          (r) => r.scopeSpans,
          (s) => s.spans.length,
        ),
        (now, context) => batchOf(mapSpans(traces, now, context?.browser, context?.routes)),
      );
    }
    case "logs": {
      const logs = request as RequestOf["logs"];
      return decodedOf(
        countOf(
          logs.resourceLogs,
          (r) => r.scopeLogs,
          (s) => s.logRecords.length,
        ),
        (now, context) => batchOf(mapLogs(logs, now, context?.browser, context?.routes)),
      );
    }
    case "metrics": {
      const metrics = request as RequestOf["metrics"];
      // As mapMetrics counts them: a metric without points is one (rejected) item.
      const items = countOf(
        metrics.resourceMetrics,
        (r) => r.scopeMetrics,
        (s) =>
          s.metrics.reduce((sum, metric) => sum + Math.max(metric.data.value?.dataPoints.length ?? 0, 1), 0),
      );
      return decodedOf(items, (now) => batchOf(mapMetrics(metrics, now)));
    }
  }
}

function countOf<R, S>(
  resources: R[],
  scopesOf: (resource: R) => S[],
  itemsOf: (scope: S) => number,
): number {
  let count = 0;
  for (const resource of resources) for (const scope of scopesOf(resource)) count += itemsOf(scope);
  return count;
}

function decodedOf(items: number, prepare: Decoded["prepare"]): Decoded {
  return { ok: true, items, prepare };
}

function batchOf(mapped: Mapped<object>): Batch {
  return {
    received: mapped.rows.length + mapped.rejected,
    rejected: mapped.rejected,
    errorMessage: mapped.errorMessage,
    rows: mapped.rows,
  };
}
