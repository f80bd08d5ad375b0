// Fuzzing the OTLP decoders through the real route: protobuf bodies with flipped bits and cut at
// every kind of boundary, JSON nested deep and wide. Whatever arrives, the answer is 200 (what
// still decodes is valid), 400 or 413: never a 5xx, which an exporter would retry forever, and the
// isolate still answers a good request afterwards. Deterministic (seeded), so a failure replays.
import { create, toBinary } from "@bufbuild/protobuf";
import { describe, expect, it } from "vitest";
import { seededRandom } from "../support/seeded-random.ts";
import { MAX_DECODED_MESSAGES } from "../../worker/src/otlp/decode.ts";
import {
  ExportLogsServiceRequestSchema,
  ExportMetricsServiceRequestSchema,
  ExportTraceServiceRequestSchema,
} from "../../worker/src/otlp/generated/otlp_pb.ts";
import { createTenant, nowNanos, postOtlp } from "./support/telemetry.ts";

const PROTOBUF = "application/x-protobuf";
const JSON_TYPE = "application/json";
const ACCEPTABLE = [200, 400, 413];

const now = BigInt(nowNanos());
const attributes = [
  { key: "s", value: { value: { case: "stringValue" as const, value: "text" } } },
  { key: "i", value: { value: { case: "intValue" as const, value: 42n } } },
  { key: "b", value: { value: { case: "bytesValue" as const, value: new Uint8Array([1, 2, 3]) } } },
  {
    key: "a",
    value: {
      value: {
        case: "arrayValue" as const,
        value: { values: [{ value: { case: "doubleValue" as const, value: 1.5 } }] },
      },
    },
  },
];
const resource = {
  attributes: [{ key: "service.name", value: { value: { case: "stringValue" as const, value: "fuzz" } } }],
};

const SEEDS: Record<string, Uint8Array> = {
  traces: toBinary(
    ExportTraceServiceRequestSchema,
    create(ExportTraceServiceRequestSchema, {
      resourceSpans: [
        {
          resource,
          scopeSpans: [
            {
              scope: { name: "fuzz" },
              spans: [1, 2].map((i) => ({
                traceId: new Uint8Array(16).fill(i),
                spanId: new Uint8Array(8).fill(i),
                name: `op ${i}`,
                startTimeUnixNano: now - 1000n,
                endTimeUnixNano: now,
                attributes,
                events: [{ timeUnixNano: now, name: "e", attributes }],
                status: { code: 1, message: "ok" },
              })),
            },
          ],
        },
      ],
    }),
  ),
  logs: toBinary(
    ExportLogsServiceRequestSchema,
    create(ExportLogsServiceRequestSchema, {
      resourceLogs: [
        {
          resource,
          scopeLogs: [
            {
              logRecords: [
                {
                  timeUnixNano: now,
                  severityNumber: 9,
                  body: { value: { case: "stringValue", value: "hi" } },
                  attributes,
                },
              ],
            },
          ],
        },
      ],
    }),
  ),
  metrics: toBinary(
    ExportMetricsServiceRequestSchema,
    create(ExportMetricsServiceRequestSchema, {
      resourceMetrics: [
        {
          resource,
          scopeMetrics: [
            {
              metrics: [
                {
                  name: "g",
                  data: {
                    case: "gauge",
                    value: {
                      dataPoints: [{ timeUnixNano: now, value: { case: "asDouble", value: 1 }, attributes }],
                    },
                  },
                },
                {
                  name: "h",
                  data: {
                    case: "histogram",
                    value: {
                      aggregationTemporality: 2,
                      dataPoints: [
                        { timeUnixNano: now, count: 3n, bucketCounts: [1n, 2n], explicitBounds: [1] },
                      ],
                    },
                  },
                },
              ],
            },
          ],
        },
      ],
    }),
  ),
};

function mutations(seed: Uint8Array, next: () => number): Uint8Array[] {
  const bodies: Uint8Array[] = [];
  for (let i = 0; i < 40; i++) {
    const flipped = seed.slice();
    for (let flips = 1 + Math.floor(next() * 3); flips > 0; flips--) {
      flipped[Math.floor(next() * flipped.length)] ^= 1 << Math.floor(next() * 8);
    }
    bodies.push(flipped);
  }
  for (let i = 0; i < 20; i++) bodies.push(seed.slice(0, Math.floor(next() * seed.length)));
  return bodies;
}

describe("OTLP decoder fuzz", () => {
  for (const [signal, seed] of Object.entries(SEEDS)) {
    it(`hardening: ${signal} protobuf with flipped bits or truncated answers 200, 400 or 413, never 5xx`, async () => {
      const tenant = await createTenant();
      const next = seededRandom(signal.length * 7919);
      for (const body of mutations(seed, next)) {
        const response = await postOtlp(signal, body, { token: tenant.backend, contentType: PROTOBUF });
        expect(ACCEPTABLE, `${signal} body ${Buffer.from(body).toString("hex")}`).toContain(response.status);
      }
      const good = await postOtlp(signal, seed, { token: tenant.backend, contentType: PROTOBUF });
      expect(good.status).toBe(200);
    }, 120_000);
  }

  it("hardening: deep and wide JSON answers 400 or 413, never 5xx, and the isolate still answers", async () => {
    const tenant = await createTenant();
    const deepArray = "[".repeat(200_000) + "]".repeat(200_000);
    const deepObject = '{"a":'.repeat(50_000) + "1" + "}".repeat(50_000);
    const nestedValue = (depth: number): string =>
      depth === 0
        ? '{"stringValue":"x"}'
        : `{"kvlistValue":{"values":[{"key":"k","value":${nestedValue(depth - 1)}}]}}`;
    const bodies = [
      deepArray,
      deepObject,
      `{"resourceSpans":${deepArray}}`,
      `{"resourceSpans":[{"resource":{"attributes":[{"key":"k","value":${nestedValue(200)}}]}}]}`,
      `{"resourceSpans":[${"{},".repeat(MAX_DECODED_MESSAGES)}{}]}`,
      `{"resourceSpans":[{"scopeSpans":[{"spans":[${'{"name":"x"},'.repeat(20_000)}{}]}]}]}`,
      `{"resourceSpans":"${"x".repeat(1_000_000)}"}`,
      '{"resourceSpans":[{"scopeSpans":[{"spans":[{"traceId":"zz"}]}]}]}',
      '{"resourceSpans":[',
      "\u0000\u0001",
    ];
    for (const body of bodies) {
      const response = await postOtlp("traces", body, { token: tenant.backend, contentType: JSON_TYPE });
      expect([400, 413], body.slice(0, 80)).toContain(response.status);
    }
    const good = await postOtlp("traces", '{"resourceSpans":[]}', {
      token: tenant.backend,
      contentType: JSON_TYPE,
    });
    expect(good.status).toBe(200);
  }, 120_000);
});
