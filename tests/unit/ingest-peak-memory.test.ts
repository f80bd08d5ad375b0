// hardening: the largest request ingest accepts fits an isolate (128 MB). Measured, not assumed:
// each shape sits just inside the limits (8 MiB body, 300,000 decoded messages, 10,000 items) and
// the heap is read, after a full GC, with the bytes, the decoded request and the mapped rows all
// alive at once (a bound on the live peak: in the Worker the decoded request dies before the rows
// are serialised). The figures are printed; docs/ingest.md "Memory" records them.
import { create, toBinary } from "@bufbuild/protobuf";
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import { describe, expect, it } from "vitest";
import { MAX_DECODED_MESSAGES, decodeRequest } from "../../worker/src/otlp/decode.ts";
import { ExportTraceServiceRequestSchema } from "../../worker/src/otlp/generated/otlp_pb.ts";
import { decodeExport } from "../../worker/src/otlp/ingest.ts";
import { MAX_BODY_BYTES, type OtlpEncoding } from "../../worker/src/otlp/request-body.ts";

setFlagsFromString("--expose-gc");
const gc = runInNewContext("gc") as () => void;

/** What the Worker may hold for one request, of a 128 MB isolate (the rest: runtime, code, other requests). */
const HEAP_BUDGET_BYTES = 64 * 1024 * 1024;
const NOW = 1_800_000_000_000;
const ITEMS = 10_000;

function spans(count: number, attributes: number, value: string) {
  const start = BigInt(NOW - 1000) * 1_000_000n;
  return Array.from({ length: count }, (_, i) => ({
    traceId: new Uint8Array(16).fill(1 + (i % 200)),
    spanId: Uint8Array.from([1, 2, 3, 4, i >> 24, (i >> 16) & 255, (i >> 8) & 255, i & 255]),
    name: "op",
    startTimeUnixNano: start,
    endTimeUnixNano: start + 1000n,
    attributes: Array.from({ length: attributes }, (_, j) => ({
      key: `k${j}`,
      value: { value: { case: "stringValue" as const, value } },
    })),
  }));
}

function protobuf(spanList: ReturnType<typeof spans>): Uint8Array {
  const request = create(ExportTraceServiceRequestSchema, {
    resourceSpans: [{ scopeSpans: [{ spans: spanList }] }],
  });
  return toBinary(ExportTraceServiceRequestSchema, request);
}

function heap(): number {
  for (let i = 0; i < 3; i++) gc();
  const { heapUsed, arrayBuffers } = process.memoryUsage();
  return heapUsed + arrayBuffers;
}

/** Heap held by decoding and mapping `bytes`, and proof that the request was accepted whole. */
function measure(encoding: OtlpEncoding, build: () => Uint8Array): { bytes: number; held: number } {
  let body: Uint8Array | null = build();
  const size = body.byteLength;
  const before = heap() - size;
  const decoded = decodeExport("traces", encoding, body);
  if (!decoded.ok) throw new Error(decoded.message);
  const batch = decoded.prepare(NOW);
  const held = heap() - before;
  expect([decoded.items, batch.rejected]).toEqual([decoded.items, 0]);
  body = null;
  return { bytes: size, held };
}

const START = String(BigInt(NOW - 1000) * 1_000_000n);

function json(spanList: object[]): Uint8Array {
  return new TextEncoder().encode(JSON.stringify({ resourceSpans: [{ scopeSpans: [{ spans: spanList }] }] }));
}

function jsonSpan(i: number, attributes: object[]) {
  const id = (i + 1).toString(16);
  return {
    traceId: id.padStart(32, "0"),
    spanId: id.padStart(16, "0"),
    name: "op",
    startTimeUnixNano: START,
    endTimeUnixNano: START,
    attributes,
  };
}

const SHAPES: [string, OtlpEncoding, () => Uint8Array][] = [
  // 10,000 spans × 14 short attributes (a KeyValue and an AnyValue each): ≈ 290,000 messages.
  ["10,000 spans × 14 attributes", "protobuf", () => protobuf(spans(ITEMS, 14, "v".repeat(24)))],
  // Few items, the body full of small messages: one span, the budget in attributes with empty values.
  [
    "1 span × 149,995 empty attributes",
    "protobuf",
    () => protobuf(spans(1, (MAX_DECODED_MESSAGES - 10) / 2, "")),
  ],
  // 10,000 spans, the body full of strings.
  ["10,000 spans × 1 × 770-byte value", "protobuf", () => protobuf(spans(ITEMS, 1, "v".repeat(770)))],
  // JSON: 10,000 spans × 12 attributes, ≈ 8 MiB of text.
  [
    "JSON: 10,000 spans × 12 attributes",
    "json",
    () => {
      const attributes = Array.from({ length: 12 }, (_, j) => ({
        key: `k${j}`,
        value: { stringValue: "v".repeat(10) },
      }));
      return json(Array.from({ length: ITEMS }, (_, i) => jsonSpan(i, attributes)));
    },
  ],
  // JSON at the budget in the smallest objects: one span, ≈ 150,000 empty attributes.
  [
    "JSON: 1 span × 149,990 empty attributes",
    "json",
    () =>
      json([
        jsonSpan(
          0,
          Array.from({ length: (MAX_DECODED_MESSAGES - 20) / 2 }, () => ({ key: "", value: {} })),
        ),
      ]),
  ],
];

describe("hardening: peak memory of the largest accepted request", () => {
  for (const [name, encoding, build] of SHAPES) {
    it(`hardening: ${name} decodes and maps within ${HEAP_BUDGET_BYTES / 2 ** 20} MiB of heap`, () => {
      const { bytes, held } = measure(encoding, build);
      console.log(
        `${name}: body ${(bytes / 2 ** 20).toFixed(1)} MiB, heap held ${(held / 2 ** 20).toFixed(1)} MiB`,
      );
      expect(bytes).toBeLessThanOrEqual(MAX_BODY_BYTES);
      expect(held).toBeLessThan(HEAP_BUDGET_BYTES);
    }, 120_000);
  }

  it("hardening: one more message than the budget is refused before decoding", () => {
    const result = decodeRequest("traces", "protobuf", protobuf(spans(1, MAX_DECODED_MESSAGES, "")));
    expect(result).toMatchObject({ ok: false, status: 413 });
    // Building a body of 150,000 messages takes seconds on a loaded machine: not a 5 s test.
  }, 120_000);
});
