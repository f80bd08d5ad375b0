// OTLP request bodies → messages of the schema in proto/otlp.proto. Protobuf: @bufbuild/protobuf's
// binary decoder. JSON: JSON.parse, then json-reader.ts, which reads proto3 JSON with OTLP/JSON's
// one difference that matters here (trace and span ids are hex, not base64). Enums are integers
// only (they are int32 in the schema, so an enum name fails to decode), and unknown fields are
// ignored, as the spec requires.
import { fromBinary } from "@bufbuild/protobuf";
import type { GenMessage } from "@bufbuild/protobuf/codegenv2";
import {
  ExportLogsServiceRequestSchema,
  ExportMetricsServiceRequestSchema,
  ExportTraceServiceRequestSchema,
  type ExportLogsServiceRequest,
  type ExportMetricsServiceRequest,
  type ExportTraceServiceRequest,
} from "./generated/otlp_pb.ts";
import { jsonCost, protobufCost, type Cost } from "./decode-budget.ts";
import { readJson } from "./json-reader.ts";
import type { OtlpEncoding } from "./request-body.ts";
import type { Result } from "../result.ts";

export type Signal = "traces" | "logs" | "metrics";
export type RequestOf = {
  traces: ExportTraceServiceRequest;
  logs: ExportLogsServiceRequest;
  metrics: ExportMetricsServiceRequest;
};
export type Decoded<S extends Signal> = Result<
  { request: RequestOf[S] },
  { status: 400 | 413; message: string }
>;
export type Refusal = Extract<Decoded<Signal>, { ok: false }>;

/**
 * A decoded message costs ≈ 80 bytes of heap, and its share of the mapped rows up to twice that
 * again (measured: tests/unit/ingest-peak-memory.test.ts, docs/ingest.md "Memory"): 300,000 of
 * them stay within 64 MiB of a 128 MB isolate. That is 10,000 spans with 14 attributes each, or
 * an SDK's 512-span batch with 290. In JSON every object and array counts as one.
 */
export const MAX_DECODED_MESSAGES = 300_000;
/**
 * OTLP's own structure nests ≈ 10 deep; attribute values nest further (each level of an array
 * value is 2 messages, 3 JSON containers) and are kept as a marker past 8 levels (attributes.ts),
 * so a client may send a few levels more than we keep. Deeper only serves to exhaust stacks.
 */
export const MAX_NESTING = 128;
const LIMITS = { maxMessages: MAX_DECODED_MESSAGES, maxDepth: MAX_NESTING };

const SCHEMAS: { [S in Signal]: GenMessage<RequestOf[S]> } = {
  traces: ExportTraceServiceRequestSchema,
  logs: ExportLogsServiceRequestSchema,
  metrics: ExportMetricsServiceRequestSchema,
};

export function decodeRequest<S extends Signal>(
  signal: S,
  encoding: OtlpEncoding,
  bytes: Uint8Array,
): Decoded<S> {
  const schema = SCHEMAS[signal];
  // An empty body is an empty request in either encoding (the spec's "empty request → 200").
  if (bytes.byteLength === 0) return { ok: true, request: fromBinary(schema, bytes) };
  const refusal = refusalOf(
    encoding === "protobuf" ? protobufCost(schema, bytes, LIMITS) : jsonCost(bytes, LIMITS),
  );
  if (refusal) return refusal;
  try {
    if (encoding === "protobuf") return { ok: true, request: fromBinary(schema, bytes) };
    const json: unknown = JSON.parse(
      new TextDecoder("utf-8", { fatal: true, ignoreBOM: false }).decode(bytes),
    );
    return { ok: true, request: readJson(schema, json) };
  } catch (error) {
    return {
      ok: false,
      status: 400,
      message: `Malformed ${encoding} ${signal} request: ${messageOf(error)}`,
    };
  }
}

function refusalOf(cost: Cost): Refusal | null {
  if (cost.ok) return null;
  return cost.reason === "too-deep"
    ? { ok: false, status: 400, message: `The request is nested deeper than ${MAX_NESTING} levels` }
    : {
        ok: false,
        status: 413,
        message: `The request holds more than ${MAX_DECODED_MESSAGES} messages (JSON: objects and arrays)`,
      };
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
