// One OTLP export, from decoded request to stored rows: no Hono, no HTTP. The route decides who
// may send what; this decides what gets stored.
import type { Db } from "../../../db/client.ts";
import { decodeRequest, type RequestOf, type Signal } from "./decode.ts";
import { mapLogs } from "./map-logs.ts";
import { mapMetrics } from "./map-metrics.ts";
import { mapSpans } from "./map-spans.ts";
import type { EdgeFacts } from "./privacy-firewall.ts";
import type { Mapped } from "./rejections.ts";
import type { OtlpEncoding } from "./request-body.ts";
import { storeLogs, storeMetrics, storeSpans, type Stored } from "./store.ts";

export type Batch = {
  /** Items received (stored + rejected): the rate limiter's weight. */
  received: number;
  rejected: number;
  errorMessage: string;
  store: (db: Db, tenantId: string) => Promise<Stored>;
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
      return batchOf(mapSpans(request as RequestOf["traces"], now, browser), storeSpans);
    case "logs":
      return batchOf(mapLogs(request as RequestOf["logs"], now), storeLogs);
    case "metrics":
      return batchOf(mapMetrics(request as RequestOf["metrics"], now), storeMetrics);
  }
}

function batchOf<Row>(
  mapped: Mapped<Row>,
  store: (db: Db, tenantId: string, rows: Row[]) => Promise<Stored>,
): Prepared {
  return {
    ok: true,
    batch: {
      received: mapped.rows.length + mapped.rejected,
      rejected: mapped.rejected,
      errorMessage: mapped.errorMessage,
      store: (db, tenantId) => store(db, tenantId, mapped.rows),
    },
  };
}
