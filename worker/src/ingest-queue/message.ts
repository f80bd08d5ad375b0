// What one queued ingest message carries: one tenant's validated rows of one signal, as their JSON
// text when it fits a message as it is, else gzip'd JSON in base64. A message holds at most 128 KB
// (Cloudflare Queues' limit) and rows compress well, so a larger request's rows are compressed and
// split until each part fits; the consumer joins many messages' JSON into one INSERT. Small
// requests skip compression: gzip was most of their CPU at the edge (and gunzip in the consumer),
// for messages that fit anyway. Base64, not bytes: the body must survive every serialisation
// between producer and consumer, and the Workers vitest integration's queue does not keep typed
// arrays. Compression is node:zlib's at level 1, in one call: CompressionStream (zlib's default
// level 6, through streams) took 3.6-4.4 ms of a 1,000-span request's isolate time, this ~2 ms
// both ways, for a message ~10 % larger (61 KiB instead of 55), which fits either way.
import { gunzipSync, gzipSync } from "node:zlib";
import type { Signal } from "../otlp/decode.ts";

export type IngestMessage = {
  tenantId: string;
  signal: Signal;
  /** How many rows the message holds (logs and the consumer's report). */
  items: number;
} & ({ /** The JSON array of rows. */ json: string } | { /** base64 of the gzip of `json`. */ rows: string });

/** Under the 128 KB limit, leaving room for the envelope and the platform's ~100 bytes. */
export const MAX_PAYLOAD_BYTES = 120_000;

/**
 * What a message's payload may take serialised: the queue serialises a string as Latin-1 when it
 * can and as UTF-16 otherwise (V8's structured clone), so plain JSON counts two bytes a character.
 */
export function payloadBytesOf(message: IngestMessage): number {
  return "json" in message ? message.json.length * 2 : message.rows.length;
}

const SIGNALS: readonly string[] = ["traces", "logs", "metrics"];

/** Thrown when a single row does not fit a message even alone (the route answers 413). */
export class RowTooLargeError extends Error {}

/** The messages for one request's rows, each within MAX_PAYLOAD_BYTES. */
export function messagesOf(tenantId: string, signal: Signal, rows: readonly object[]): IngestMessage[] {
  if (rows.length === 0) return [];
  const json = JSON.stringify(rows);
  const plain: IngestMessage = { tenantId, signal, items: rows.length, json };
  if (payloadBytesOf(plain) <= MAX_PAYLOAD_BYTES) return [plain];
  const packed = gzipBase64(json);
  if (packed.length <= MAX_PAYLOAD_BYTES) return [{ tenantId, signal, items: rows.length, rows: packed }];
  if (rows.length === 1) throw new RowTooLargeError(`one ${signal} item exceeds ${MAX_PAYLOAD_BYTES} bytes`);
  // Split by the measured ratio (with a margin) rather than halving: one pass for most requests.
  const parts = Math.min(rows.length, Math.ceil((packed.length / MAX_PAYLOAD_BYTES) * 1.25));
  const size = Math.ceil(rows.length / parts);
  const messages: IngestMessage[] = [];
  for (let start = 0; start < rows.length; start += size) {
    messages.push(...messagesOf(tenantId, signal, rows.slice(start, start + size)));
  }
  return messages;
}

/** A queued body as an IngestMessage, or null when it is not one (dead-lettered, never retried). */
export function asIngestMessage(body: unknown): IngestMessage | null {
  const message = body as Partial<IngestMessage> | null;
  const valid =
    typeof message?.tenantId === "string" &&
    typeof message.signal === "string" &&
    SIGNALS.includes(message.signal) &&
    typeof message.items === "number" &&
    (typeof (message as { json?: unknown }).json === "string" ||
      typeof (message as { rows?: unknown }).rows === "string");
  return valid ? (message as IngestMessage) : null;
}

/** The JSON array text a message carries (throws when its rows do not decompress). */
export function rowsJsonOf(message: IngestMessage): string {
  if ("json" in message) return message.json;
  return gunzipSync(Uint8Array.fromBase64(message.rows)).toString("utf8");
}

function gzipBase64(text: string): string {
  return gzipSync(text, { level: 1 }).toBase64();
}

// The platform's base64 (workerd ships the TC39 Uint8Array base64 methods; TypeScript's ES2024 lib
// does not declare them yet): linear, no spread of the bytes into a call.
declare global {
  interface Uint8Array {
    toBase64(): string;
  }
  interface Uint8ArrayConstructor {
    fromBase64(text: string): Uint8Array<ArrayBuffer>;
  }
}
