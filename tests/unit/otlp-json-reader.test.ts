// The OTLP/JSON reader (worker/src/otlp/json-reader.ts) against protobuf-es's own proto3 JSON
// decoder, which the Worker used before: for every request below, and for thousands of seeded
// mutations of them, both accept and build equal messages, or both refuse. The oracle is fromJson
// with the ids turned from OTLP/JSON's hex into proto3 JSON's base64 where OTLP puts them (spans,
// links, log records), which is what decode.ts did before the reader.
import {
  create,
  fromJson,
  toBinary,
  toJson,
  type DescMessage,
  type JsonValue,
  type MessageInitShape,
} from "@bufbuild/protobuf";
import { describe, expect, it } from "vitest";
import { seededRandom } from "../support/seeded-random.ts";
import { base64, fromBase64, fromHex, hex } from "../../worker/src/byte-encoding.ts";
import {
  ExportLogsServiceRequestSchema,
  ExportMetricsServiceRequestSchema,
  ExportTraceServiceRequestSchema,
  type ExportTraceServiceRequest,
} from "../../worker/src/otlp/generated/otlp_pb.ts";
import { JsonReadError, readJson } from "../../worker/src/otlp/json-reader.ts";

type Json = JsonValue;
type Signal = "traces" | "logs" | "metrics";
const SCHEMAS: Record<Signal, DescMessage> = {
  traces: ExportTraceServiceRequestSchema,
  logs: ExportLogsServiceRequestSchema,
  metrics: ExportMetricsServiceRequestSchema,
};

const string = (value: string) => ({ value: { case: "stringValue" as const, value } });
/** Every kind of attribute value, nested. */
const ATTRIBUTES = [
  { key: "s", value: string("text ✓") },
  { key: "b", value: { value: { case: "boolValue" as const, value: true } } },
  { key: "i", value: { value: { case: "intValue" as const, value: -(2n ** 63n) } } },
  { key: "d", value: { value: { case: "doubleValue" as const, value: -0.5 } } },
  { key: "y", value: { value: { case: "bytesValue" as const, value: new Uint8Array([0, 250, 7]) } } },
  {
    key: "a",
    value: {
      value: {
        case: "arrayValue" as const,
        value: { values: [string("x"), { value: { case: "doubleValue" as const, value: 1e300 } }] },
      },
    },
  },
  {
    key: "k",
    value: {
      value: {
        case: "kvlistValue" as const,
        value: {
          values: [
            { key: "inner", value: string("y") },
            { key: "empty", value: {} },
          ],
        },
      },
    },
  },
];
const RESOURCE = { attributes: [{ key: "service.name", value: string("checkout") }, ...ATTRIBUTES] };
const SCOPE = { name: "scope", version: "1.2.3", attributes: ATTRIBUTES };
const T = 1_800_000_000_000_000_000n;

const REQUESTS: { [S in Signal]: MessageInitShape<(typeof SCHEMAS)[S] & DescMessage> } = {
  traces: {
    resourceSpans: [
      {
        resource: RESOURCE,
        scopeSpans: [
          {
            scope: SCOPE,
            spans: [
              {
                traceId: new Uint8Array(16).fill(0xab),
                spanId: new Uint8Array(8).fill(0xcd),
                parentSpanId: new Uint8Array(8).fill(0x0e),
                traceState: "a=b",
                name: "GET /checkout",
                kind: 2,
                startTimeUnixNano: T,
                endTimeUnixNano: T + 1_000_000n,
                attributes: ATTRIBUTES,
                droppedAttributesCount: 4_294_967_295,
                events: [{ timeUnixNano: T + 5n, name: "event", attributes: ATTRIBUTES }],
                links: [
                  {
                    traceId: new Uint8Array(16).fill(1),
                    spanId: new Uint8Array(8).fill(2),
                    attributes: ATTRIBUTES,
                  },
                ],
                status: { code: 2, message: "boom" },
                flags: 257,
              },
              { traceId: new Uint8Array(16).fill(3), spanId: new Uint8Array(8).fill(4), name: "minimal" },
            ],
          },
        ],
      },
    ],
  },
  logs: {
    resourceLogs: [
      {
        resource: RESOURCE,
        scopeLogs: [
          {
            scope: SCOPE,
            logRecords: [
              {
                timeUnixNano: T,
                observedTimeUnixNano: T + 1n,
                severityNumber: 17,
                severityText: "ERROR",
                body: {
                  value: { case: "kvlistValue", value: { values: [{ key: "m", value: string("v") }] } },
                },
                attributes: ATTRIBUTES,
                flags: 1,
                traceId: new Uint8Array(16).fill(5),
                spanId: new Uint8Array(8).fill(6),
                eventName: "browser.click",
              },
              { body: string("plain") },
            ],
          },
        ],
      },
    ],
  },
  metrics: {
    resourceMetrics: [
      {
        resource: RESOURCE,
        scopeMetrics: [
          {
            scope: SCOPE,
            metrics: [
              {
                name: "gauge",
                unit: "1",
                description: "d",
                data: {
                  case: "gauge",
                  value: {
                    dataPoints: [
                      { timeUnixNano: T, value: { case: "asDouble", value: 0.25 }, attributes: ATTRIBUTES },
                      { timeUnixNano: T, value: { case: "asInt", value: -7n } },
                    ],
                  },
                },
              },
              {
                name: "sum",
                data: {
                  case: "sum",
                  value: {
                    aggregationTemporality: 2,
                    isMonotonic: true,
                    dataPoints: [
                      { startTimeUnixNano: T - 10n, timeUnixNano: T, value: { case: "asInt", value: 9n } },
                    ],
                  },
                },
              },
              {
                name: "histogram",
                data: {
                  case: "histogram",
                  value: {
                    aggregationTemporality: 1,
                    dataPoints: [
                      {
                        timeUnixNano: T,
                        count: 6n,
                        sum: 0,
                        min: -1,
                        max: 3.5,
                        bucketCounts: [1n, 2n, 3n],
                        explicitBounds: [0, 1.5],
                      },
                    ],
                  },
                },
              },
              {
                name: "exponential",
                data: {
                  case: "exponentialHistogram",
                  value: {
                    dataPoints: [
                      {
                        timeUnixNano: T,
                        count: 3n,
                        sum: 1.5,
                        scale: -3,
                        zeroCount: 1n,
                        positive: { offset: -2, bucketCounts: [1n, 18_446_744_073_709_551_615n] },
                        negative: {},
                      },
                    ],
                  },
                },
              },
              {
                name: "summary",
                data: {
                  case: "summary",
                  value: {
                    dataPoints: [
                      {
                        timeUnixNano: T,
                        count: 2n,
                        sum: 4,
                        quantileValues: [
                          { quantile: 0, value: 1 },
                          { quantile: 1, value: 3 },
                        ],
                      },
                    ],
                  },
                },
              },
            ],
          },
        ],
      },
    ],
  },
};

/** Where OTLP/JSON puts hex ids, per signal: [containers…] then the id fields of what they hold. */
const ID_PATHS: Record<Signal, string[][]> = {
  traces: [
    ["resourceSpans", "scopeSpans", "spans"],
    ["resourceSpans", "scopeSpans", "spans", "links"],
  ],
  logs: [["resourceLogs", "scopeLogs", "logRecords"]],
  metrics: [],
};
const ID_KEYS = ["traceId", "spanId", "parentSpanId"];

const camelCase = (name: string) => name.replace(/_([a-z])/g, (_, letter: string) => letter.toUpperCase());
const snakeCase = (name: string) => name.replace(/[A-Z]/g, (letter) => `_${letter.toLowerCase()}`);

/** Rewrites the id strings at OTLP's id positions; `convert` null means the id is refused. */
function rewriteIds(
  signal: Signal,
  json: Json,
  convert: (id: string, key: string) => string | null,
): boolean {
  let ok = true;
  const visit = (node: Json, path: string[]) => {
    if (typeof node !== "object" || node === null || Array.isArray(node)) return;
    if (path.length === 0) {
      for (const key of [...ID_KEYS, ...ID_KEYS.map(snakeCase)]) {
        const value = node[key];
        if (value === undefined || value === null || value === "") continue;
        const converted = typeof value === "string" ? convert(value, key) : null;
        if (converted === null) ok = false;
        else node[key] = converted;
      }
      return;
    }
    // Proto field names are proto3 JSON too: the reader takes ids as hex under either name.
    const list = node[path[0]] ?? node[snakeCase(path[0])];
    if (Array.isArray(list)) for (const item of list) visit(item, path.slice(1));
  };
  for (const path of ID_PATHS[signal]) visit(json, path);
  return ok;
}

/** OTLP/JSON of a request, as an exporter writes it (hex ids), from protobuf-es's proto3 JSON. */
function otlpJson(
  signal: Signal,
  options: { alwaysEmitImplicit?: boolean; useProtoFieldName?: boolean } = {},
) {
  const schema = SCHEMAS[signal];
  const json = toJson(schema, create(schema, REQUESTS[signal] as never), options);
  rewriteIds(signal, json, (id) => hex(fromBase64(id)!));
  return json;
}

type Outcome = { ok: true; message: unknown } | { ok: false; error: string };

function reader(signal: Signal, json: Json): Outcome {
  try {
    return { ok: true, message: readJson(SCHEMAS[signal], structuredClone(json)) };
  } catch (error) {
    if (!(error instanceof JsonReadError)) throw error;
    return { ok: false, error: error.message };
  }
}

function oracle(signal: Signal, json: Json): Outcome {
  const copy = structuredClone(json);
  // OTLP/JSON ids have one length each (fromJson alone would take bytes of any length).
  const lengths: Record<string, number> = { traceId: 32, spanId: 16, parentSpanId: 16 };
  const idsOk = rewriteIds(signal, copy, (id, key) => {
    const bytes = id.length === (lengths[key] ?? lengths[camelCase(key)]) ? fromHex(id) : null;
    return bytes && base64(bytes);
  });
  if (!idsOk) return { ok: false, error: "id" };
  try {
    return { ok: true, message: fromJson(SCHEMAS[signal], copy, { ignoreUnknownFields: true }) };
  } catch (error) {
    return { ok: false, error: String(error) };
  }
}

function expectSame(signal: Signal, json: Json) {
  const ours = reader(signal, json);
  const theirs = oracle(signal, json);
  const context = JSON.stringify(json).slice(0, 2000);
  const summary = (outcome: Outcome) => (outcome.ok ? "accepted" : `refused: ${outcome.error}`);
  expect(summary(ours).slice(0, 8), `${context}\nours: ${summary(ours)}\ntheirs: ${summary(theirs)}`).toBe(
    summary(theirs).slice(0, 8),
  );
  if (ours.ok && theirs.ok) {
    // Compared as their wire bytes: equals() holds NaN unequal to itself.
    expect(toBinary(SCHEMAS[signal], ours.message as never), context).toEqual(
      toBinary(SCHEMAS[signal], theirs.message as never),
    );
  }
  return ours;
}

const SIGNALS: Signal[] = ["traces", "logs", "metrics"];

describe("OTLP/JSON reader: the same messages as protobuf-es's fromJson", () => {
  it.each(SIGNALS)(
    "%s: every field kind, by JSON names, proto names and with zero values written",
    (signal) => {
      for (const options of [{}, { useProtoFieldName: true }, { alwaysEmitImplicit: true }]) {
        const outcome = expectSame(signal, otlpJson(signal, options));
        expect(outcome.ok).toBe(true);
      }
    },
  );

  it("reads the hex ids as bytes and refuses base64 ones, naming the field", () => {
    const json = otlpJson("traces") as {
      resourceSpans: { scopeSpans: { spans: Record<string, Json>[] }[] }[];
    };
    const span = json.resourceSpans[0].scopeSpans[0].spans[0];
    const ours = reader("traces", json);
    expect(
      ours.ok &&
        hex(
          (ours.message as ExportTraceServiceRequest).resourceSpans[0].scopeSpans[0].spans[0]
            .traceId as Uint8Array,
        ),
    ).toBe("ab".repeat(16));
    for (const [field, value] of [
      ["traceId", base64(new Uint8Array(16).fill(0xab))],
      ["spanId", "CDCDCDCDCDCDCDC"],
      ["parentSpanId", 12],
    ] as const) {
      const bad = structuredClone(json);
      bad.resourceSpans[0].scopeSpans[0].spans[0][field] = value;
      expect(reader("traces", bad)).toEqual({
        ok: false,
        error: `${field} must be ${field === "traceId" ? 32 : 16} hex characters (OTLP/JSON ids are hex, not base64)`,
      });
    }
    span.traceId = "AB".repeat(16);
    expect(expectSame("traces", json).ok).toBe(true);
  });

  // Each value at a scalar field of each kind: what proto3 JSON allows and what it does not.
  const VALUES: Json[] = [
    null,
    0,
    -1,
    1.5,
    2 ** 31,
    -(2 ** 31) - 1,
    2 ** 32,
    2 ** 53 + 2,
    1e300,
    -0,
    "",
    " 1",
    "1 ",
    "12",
    "-12",
    "0x10",
    "1e2",
    "1.5",
    "NaN",
    "Infinity",
    "-Infinity",
    "1e400",
    "18446744073709551615",
    "18446744073709551616",
    "-9223372036854775809",
    "abc",
    "\ud800",
    "ok ✓",
    true,
    false,
    [],
    [1],
    {},
    { value: 1 },
    "AQID",
    "AQ-_",
    "AQ==",
    "A===",
    "*",
  ];
  const FIELDS: { signal: Signal; path: (string | number)[] }[] = [
    ...[
      "name",
      "kind",
      "startTimeUnixNano",
      "droppedAttributesCount",
      "flags",
      "traceState",
      "attributes",
      "events",
      "status",
    ].map((field) => ({
      signal: "traces" as const,
      path: ["resourceSpans", 0, "scopeSpans", 0, "spans", 0, field],
    })),
    ...["stringValue", "boolValue", "intValue", "doubleValue", "bytesValue", "arrayValue", "kvlistValue"].map(
      (field) => ({
        signal: "logs" as const,
        path: ["resourceLogs", 0, "scopeLogs", 0, "logRecords", 1, "body", field],
      }),
    ),
    ...["sum", "min", "count", "bucketCounts", "explicitBounds"].map((field) => ({
      signal: "metrics" as const,
      path: ["resourceMetrics", 0, "scopeMetrics", 0, "metrics", 2, "histogram", "dataPoints", 0, field],
    })),
    ...["scale", "positive"].map((field) => ({
      signal: "metrics" as const,
      path: [
        "resourceMetrics",
        0,
        "scopeMetrics",
        0,
        "metrics",
        3,
        "exponentialHistogram",
        "dataPoints",
        0,
        field,
      ],
    })),
    ...["asInt", "asDouble"].map((field) => ({
      signal: "metrics" as const,
      path: ["resourceMetrics", 0, "scopeMetrics", 0, "metrics", 1, "sum", "dataPoints", 0, field],
    })),
  ];

  it("every value at every kind of field: accepted and refused alike", () => {
    let refused = 0;
    for (const { signal, path } of FIELDS) {
      for (const value of VALUES) {
        const json = otlpJson(signal);
        setAt(json, path, value);
        if (!expectSame(signal, json).ok) refused++;
      }
    }
    // Most of these values are wrong for most fields: the comparison covered refusals too.
    expect(refused).toBeGreaterThan(FIELDS.length * VALUES.length * 0.5);
  });

  it("refuses what fromJson refuses about structure, and says where", () => {
    const cases: [Signal, Json, RegExp][] = [
      ["traces", [1, 2], /ExportTraceServiceRequest: expected an object, got an array/],
      [
        "traces",
        { resourceSpans: { oops: 1 } },
        /ExportTraceServiceRequest\.resource_spans: expected an array, got an object/,
      ],
      ["traces", { resourceSpans: [null] }, /must not be null/],
      [
        "traces",
        { resourceSpans: [{ scopeSpans: [{ spans: [{ name: "a" }] }], scope_spans: [] }] },
        /"scope_spans" is set twice/,
      ],
      [
        "logs",
        { resourceLogs: [{ scopeLogs: [{ logRecords: [{ body: { stringValue: "a", intValue: 1 } }] }] }] },
        /sets a oneof twice/,
      ],
      [
        "traces",
        { resourceSpans: [{ scopeSpans: [{ spans: [{ name: "\udc00" }] }] }] },
        /Span\.name: expected a string/,
      ],
    ];
    for (const [signal, json, error] of cases) {
      expect(oracle(signal, json).ok).toBe(false);
      const ours = reader(signal, json);
      expect(ours.ok).toBe(false);
      expect(!ours.ok && ours.error).toMatch(error);
    }
  });

  it("a oneof member given as null leaves it unset, and still counts as given", () => {
    const body = (value: Json) => ({ resourceLogs: [{ scopeLogs: [{ logRecords: [{ body: value }] }] }] });
    expect(expectSame("logs", body({ stringValue: null, intValue: "5" })).ok).toBe(true);
    expect(expectSame("logs", body({ arrayValue: null, intValue: "5" })).ok).toBe(false);
    expect(expectSame("logs", body({ stringValue: null, string_value: "x" })).ok).toBe(false);
    expect(expectSame("logs", body(null)).ok).toBe(true);
  });

  it("messages nested past fromJson's limit (100) are refused; at the limit they are read", () => {
    const nested = (levels: number): Json => {
      // A log record's body: each array level is an AnyValue and an ArrayValue (2 messages).
      let value: Json = { stringValue: "deep" };
      for (let i = 0; i < levels; i++) value = { arrayValue: { values: [value] } };
      return { resourceLogs: [{ scopeLogs: [{ logRecords: [{ body: value }] }] }] };
    };
    // Request, ResourceLogs, ScopeLogs, LogRecord, then 2 per level, then the innermost AnyValue.
    expect(expectSame("logs", nested(47)).ok).toBe(true);
    expect(expectSame("logs", nested(48)).ok).toBe(false);
  });

  it("seeded mutations of every request: accepted and refused alike", () => {
    const next = seededRandom(20261207);
    const palette = [
      ...VALUES,
      { stringValue: "x" },
      [null],
      [{}],
      [{ key: "k" }],
      "ab".repeat(16),
      "cd".repeat(8),
    ];
    let compared = 0;
    for (let round = 0; round < 3000; round++) {
      const signal = SIGNALS[round % 3];
      const json = otlpJson(signal, round % 2 ? {} : { alwaysEmitImplicit: true });
      for (let edits = 1 + Math.floor(next() * 3); edits > 0; edits--) {
        const paths = pathsOf(json);
        const path = paths[Math.floor(next() * paths.length)];
        setAt(json, path, structuredClone(palette[Math.floor(next() * palette.length)]));
      }
      expectSame(signal, json);
      compared++;
    }
    expect(compared).toBe(3000);
  });
});

function pathsOf(json: Json, prefix: (string | number)[] = []): (string | number)[][] {
  if (typeof json !== "object" || json === null) return [];
  const entries: [string | number, Json][] = Array.isArray(json)
    ? json.map((value, index) => [index, value])
    : Object.entries(json);
  return entries.flatMap(([key, value]) => [[...prefix, key], ...pathsOf(value, [...prefix, key])]);
}

function setAt(json: Json, path: (string | number)[], value: Json) {
  let node = json as Record<string | number, Json>;
  for (const key of path.slice(0, -1)) node = node[key] as Record<string | number, Json>;
  node[path[path.length - 1]] = value;
}
