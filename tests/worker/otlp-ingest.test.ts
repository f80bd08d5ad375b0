// OTLP/HTTP ingest behaviour, SECURITY G32–G37 and I41: encodings, content types and codings,
// malformed input, limits after decompression, partial success, duplicates, auth and outages.
import { env } from "cloudflare:workers";
import { createExecutionContext, runInDurableObject, waitOnExecutionContext } from "cloudflare:test";
import { fromBinary } from "@bufbuild/protobuf";
import { ProtobufTraceSerializer } from "@opentelemetry/otlp-transformer";
import { resourceFromAttributes } from "@opentelemetry/resources";
import { InMemorySpanExporter, SimpleSpanProcessor, TracerProvider } from "@opentelemetry/sdk-trace";
import { describe, expect, it } from "vitest";
import worker from "../../worker/src/index.ts";
import { ExportServiceResponseSchema, RpcStatusSchema } from "../../worker/src/otlp/generated/otlp_pb.ts";
import { MAX_BODY_BYTES, readBody, readStream } from "../../worker/src/otlp/request-body.ts";
import { hashApiToken } from "../../worker/src/tenancy/api-tokens.ts";
import { tokenLookupFor } from "../../worker/src/token-lookup.ts";
import { call, ORIGIN } from "./helpers.ts";
import { createTenant, gzip, nowNanos, postOtlp, randomHex, rowsOf } from "./support/telemetry.ts";

const JSON_TYPE = "application/json";
const PROTOBUF = "application/x-protobuf";

function jsonSpan(overrides: Record<string, unknown> = {}) {
  return {
    traceId: randomHex(16),
    spanId: randomHex(8),
    name: "work",
    kind: 2,
    startTimeUnixNano: nowNanos(-1000),
    endTimeUnixNano: nowNanos(),
    ...overrides,
  };
}

function jsonTraces(spans: unknown[], extra: Record<string, unknown> = {}): string {
  return JSON.stringify({
    resourceSpans: [
      {
        resource: { attributes: [{ key: "service.name", value: { stringValue: "svc" } }] },
        scopeSpans: [{ scope: { name: "test" }, spans }],
        ...extra,
      },
    ],
  });
}

/** Protobuf bytes from the official serializer for `count` real SDK spans (one may get a zero span id). */
function protobufTraces(count: number, { zeroSpanIdOf }: { zeroSpanIdOf?: number } = {}): Uint8Array {
  const exporter = new InMemorySpanExporter();
  const provider = new TracerProvider({
    resource: resourceFromAttributes({ "service.name": "proto-svc" }),
    spanProcessors: [new SimpleSpanProcessor({ exporter })],
  });
  const tracer = provider.getTracer("test");
  for (let i = 0; i < count; i++) tracer.startSpan(`op ${i}`).end();
  const spans = exporter.getFinishedSpans();
  if (zeroSpanIdOf !== undefined) {
    const span = spans[zeroSpanIdOf];
    const context = span.spanContext();
    spans[zeroSpanIdOf] = Object.assign(Object.create(span), {
      spanContext: () => ({ ...context, spanId: "0".repeat(16) }),
    });
  }
  return ProtobufTraceSerializer.serializeRequest(spans)!;
}

async function statusOf(response: Response) {
  if (response.headers.get("Content-Type") === PROTOBUF) {
    return fromBinary(RpcStatusSchema, new Uint8Array(await response.arrayBuffer()));
  }
  return response.json() as Promise<{ code: number; message: string; details: { reason: string }[] }>;
}

const spanCount = async (tenantId: string) =>
  (await rowsOf(tenantId, "select count(*)::int as n from spans"))[0].n;

describe("OTLP ingest: encodings (G32, G33)", () => {
  it("G32: valid JSON answers 200 in JSON with partial_success unset, and the spans are stored", async () => {
    const tenant = await createTenant();
    const response = await postOtlp("traces", jsonTraces([jsonSpan(), jsonSpan()]), {
      token: tenant.backend,
      contentType: JSON_TYPE,
    });
    expect(response.status).toBe(200);
    expect(response.headers.get("Content-Type")).toBe(JSON_TYPE);
    expect(await response.json()).toEqual({});
    expect(await spanCount(tenant.id)).toBe(2);
  });

  it("G32: valid protobuf answers 200 in protobuf with partial_success unset", async () => {
    const tenant = await createTenant();
    const response = await postOtlp("traces", protobufTraces(3), {
      token: tenant.backend,
      contentType: PROTOBUF,
    });
    expect(response.status).toBe(200);
    expect(response.headers.get("Content-Type")).toBe(PROTOBUF);
    const body = fromBinary(ExportServiceResponseSchema, new Uint8Array(await response.arrayBuffer()));
    expect(body.partialSuccess).toBeUndefined();
    expect(await spanCount(tenant.id)).toBe(3);
  });

  it("G32: an empty request answers 200, in either encoding and for every signal", async () => {
    const tenant = await createTenant();
    for (const signal of ["traces", "logs", "metrics"]) {
      for (const [contentType, body] of [
        [JSON_TYPE, "{}"],
        [JSON_TYPE, ""],
        [PROTOBUF, ""],
      ]) {
        const response = await postOtlp(signal, body, { token: tenant.backend, contentType });
        expect(response.status, `${signal} ${contentType} ${JSON.stringify(body)}`).toBe(200);
      }
    }
  });

  it("G32: unknown JSON fields are ignored", async () => {
    const tenant = await createTenant();
    const body = jsonTraces([jsonSpan({ futureField: { nested: [1, 2] } })], { somethingNew: true });
    const response = await postOtlp("traces", body, { token: tenant.backend, contentType: JSON_TYPE });
    expect(response.status).toBe(200);
    expect(await spanCount(tenant.id)).toBe(1);
  });

  it("G33: text/plain or no content type answers 415", async () => {
    const tenant = await createTenant();
    for (const contentType of ["text/plain", "", "application/protobuf"]) {
      const response = await postOtlp("traces", jsonTraces([jsonSpan()]), {
        token: tenant.backend,
        contentType,
      });
      expect(response.status, contentType).toBe(415);
      expect((await statusOf(response)).message).toMatch(/^UNSUPPORTED_MEDIA_TYPE/);
    }
    expect(await spanCount(tenant.id)).toBe(0);
  });

  it("G33: GET answers 405", async () => {
    const response = await call("/v1/traces");
    expect(response.status).toBe(405);
    expect(response.headers.get("Allow")).toContain("POST");
  });

  it("G33: a gzip body is accepted, JSON and protobuf", async () => {
    const tenant = await createTenant();
    const json = await postOtlp("traces", await gzip(jsonTraces([jsonSpan()])), {
      token: tenant.backend,
      contentType: JSON_TYPE,
      encoding: "gzip",
    });
    expect(json.status).toBe(200);
    const proto = await postOtlp("traces", await gzip(protobufTraces(2)), {
      token: tenant.backend,
      contentType: PROTOBUF,
      encoding: "gzip",
    });
    expect(proto.status).toBe(200);
    expect(await spanCount(tenant.id)).toBe(3);
  });

  it("G33: an unknown content encoding answers 415", async () => {
    const tenant = await createTenant();
    const response = await postOtlp("traces", jsonTraces([jsonSpan()]), {
      token: tenant.backend,
      contentType: JSON_TYPE,
      encoding: "br",
    });
    expect(response.status).toBe(415);
    expect((await statusOf(response)).message).toMatch(/^UNSUPPORTED_ENCODING/);
  });
});

describe("OTLP ingest: malformed input (G34)", () => {
  it("G34: malformed protobuf answers 400 with a protobuf google.rpc.Status", async () => {
    const tenant = await createTenant();
    const response = await postOtlp("traces", new Uint8Array([0x0a, 0xff, 0xff, 0xff, 0x0f, 1]), {
      token: tenant.backend,
      contentType: PROTOBUF,
    });
    expect(response.status).toBe(400);
    expect(response.headers.get("Content-Type")).toBe(PROTOBUF);
    const status = await statusOf(response);
    expect(status.code).toBe(3);
    expect(status.message).toMatch(/^INVALID_REQUEST: Malformed protobuf traces request/);
  });

  it("G34: malformed JSON answers 400 with a JSON google.rpc.Status carrying the error code", async () => {
    const tenant = await createTenant();
    for (const body of ["{not json", '{"resourceSpans": {"oops": 1}}', "[1,2]"]) {
      const response = await postOtlp("traces", body, { token: tenant.backend, contentType: JSON_TYPE });
      expect(response.status, body).toBe(400);
      const status = (await statusOf(response)) as {
        code: number;
        message: string;
        details: { reason: string }[];
      };
      expect(status.code).toBe(3);
      expect(status.details[0].reason).toBe("INVALID_REQUEST");
    }
  });

  it("G34: an enum given by name answers 400", async () => {
    const tenant = await createTenant();
    const response = await postOtlp("traces", jsonTraces([jsonSpan({ kind: "SPAN_KIND_SERVER" })]), {
      token: tenant.backend,
      contentType: JSON_TYPE,
    });
    expect(response.status).toBe(400);
    expect(await spanCount(tenant.id)).toBe(0);
  });

  it("G34: base64 trace and span ids answer 400 (OTLP/JSON ids are hex)", async () => {
    const tenant = await createTenant();
    const base64Trace = btoa(String.fromCharCode(...crypto.getRandomValues(new Uint8Array(16))));
    const base64Span = btoa(String.fromCharCode(...crypto.getRandomValues(new Uint8Array(8))));
    for (const span of [jsonSpan({ traceId: base64Trace }), jsonSpan({ spanId: base64Span })]) {
      const response = await postOtlp("traces", jsonTraces([span]), {
        token: tenant.backend,
        contentType: JSON_TYPE,
      });
      expect(response.status).toBe(400);
      expect((await statusOf(response)).message).toMatch(/hex, not base64/);
    }
  });

  it("G34: a corrupt gzip stream answers 400", async () => {
    const tenant = await createTenant();
    const bytes = await gzip(jsonTraces([jsonSpan()]));
    bytes[bytes.length - 5] ^= 0xff;
    const body = bytes.slice(0, 20);
    const response = await postOtlp("traces", body, {
      token: tenant.backend,
      contentType: JSON_TYPE,
      encoding: "gzip",
    });
    expect(response.status).toBe(400);
    expect((await statusOf(response)).message).toMatch(/^INVALID_GZIP/);
  });
});

describe("OTLP ingest: limits after decompression (G35)", () => {
  it("G35: a body over the limit answers 413", async () => {
    const tenant = await createTenant();
    const response = await postOtlp("traces", new Uint8Array(MAX_BODY_BYTES + 1), {
      token: tenant.backend,
      contentType: PROTOBUF,
    });
    expect(response.status).toBe(413);
  });

  it("G35: an identity body is read whole only within the limit, whatever Content-Length claims", async () => {
    const request = (body: Uint8Array, declared: number) =>
      new Request(`${ORIGIN}/v1/traces`, {
        method: "POST",
        headers: { "Content-Length": String(declared) },
        body,
      });
    const within = new Uint8Array(1000).fill(7);
    expect(await readBody(request(within, 1000), 1000)).toEqual({ ok: true, bytes: within });
    expect(await readBody(request(new Uint8Array(1001), 10), 1000)).toMatchObject({ ok: false, status: 413 });
  });

  it("G35: a gzip bomb (1 MiB expanding to 1 GiB) answers 413", async () => {
    // One after the other: compressing the 1 GiB bomb keeps the isolate busy for seconds on a
    // loaded machine, long enough to time out a database connection opened meanwhile.
    const body = await gzipBomb();
    const tenant = await createTenant();
    const response = await postOtlp("traces", body, {
      token: tenant.backend,
      contentType: PROTOBUF,
      encoding: "gzip",
    });
    expect(response.status).toBe(413);
    expect((await statusOf(response)).message).toMatch(/^PAYLOAD_TOO_LARGE/);
  });

  it("G35: the gzip bomb is cut off mid-stream: at most ~the limit is ever decompressed, so memory stays flat", async () => {
    const bomb = await gzipBomb();
    let decompressed = 0;
    // Counts what the decompressor produced before the reader gave up (backpressure stops it).
    const counted = new Blob([bomb])
      .stream()
      .pipeThrough(new DecompressionStream("gzip"))
      .pipeThrough(
        new TransformStream<Uint8Array, Uint8Array>({
          transform(chunk, controller) {
            decompressed += chunk.byteLength;
            controller.enqueue(chunk);
          },
        }),
      );
    expect(await readStream(counted, false, MAX_BODY_BYTES)).toMatchObject({ ok: false, status: 413 });
    expect(decompressed).toBeLessThan(2 * MAX_BODY_BYTES);
  });
});

let bomb: Promise<Uint8Array> | undefined;
/** 1 GiB of zeros gzipped (≈ 1 MiB, deflate's best ratio), built once per file. */
function gzipBomb(): Promise<Uint8Array> {
  bomb ??= gzipOfZeros(1024);
  return bomb;
}

/** gzip of `mebibytes` MiB of zeros, compressed chunk by chunk (never the whole input in memory). */
async function gzipOfZeros(mebibytes: number): Promise<Uint8Array> {
  const zeros = new Uint8Array(1024 * 1024);
  let left = mebibytes;
  const source = new ReadableStream<Uint8Array>({
    pull(controller) {
      if (left-- === 0) return controller.close();
      controller.enqueue(zeros);
    },
  });
  return new Uint8Array(await new Response(source.pipeThrough(new CompressionStream("gzip"))).arrayBuffer());
}

describe("OTLP ingest: partial success and duplicates (G36, I41)", () => {
  it("G36: a mixed batch answers 200 with rejectedSpans and an error message, and stores the valid spans", async () => {
    const tenant = await createTenant();
    const spans = [
      jsonSpan(),
      jsonSpan({ traceId: "0".repeat(32) }),
      jsonSpan({ endTimeUnixNano: nowNanos(-5000) }),
      jsonSpan({ spanId: "" }),
      jsonSpan(),
    ];
    const response = await postOtlp("traces", jsonTraces(spans), {
      token: tenant.backend,
      contentType: JSON_TYPE,
    });
    expect(response.status).toBe(200);
    const body = await response.json<{ partialSuccess: { rejectedSpans: string; errorMessage: string } }>();
    expect(Number(body.partialSuccess.rejectedSpans)).toBe(3);
    expect(body.partialSuccess.errorMessage).toMatch(/invalid trace_id/);
    expect(body.partialSuccess.errorMessage).toMatch(/end_time_unix_nano before start_time_unix_nano/);
    expect(await spanCount(tenant.id)).toBe(2);
  });

  it("G36: partial success in protobuf carries rejected_spans and error_message", async () => {
    const tenant = await createTenant();
    const response = await postOtlp("traces", protobufTraces(3, { zeroSpanIdOf: 1 }), {
      token: tenant.backend,
      contentType: PROTOBUF,
    });
    expect(response.status).toBe(200);
    const body = fromBinary(ExportServiceResponseSchema, new Uint8Array(await response.arrayBuffer()));
    expect(body.partialSuccess?.rejected).toBe(1n);
    expect(body.partialSuccess?.errorMessage).toMatch(/1 invalid span_id/);
    expect(await spanCount(tenant.id)).toBe(2);
  });

  it("G36: values the database could not store are rejected or repaired, never failing the whole batch", async () => {
    const tenant = await createTenant();
    let deep: Record<string, unknown> = { stringValue: "bottom" };
    for (let i = 0; i < 20; i++) deep = { arrayValue: { values: [deep] } };
    const spans = [
      jsonSpan({ kind: 99 }),
      jsonSpan({ status: { code: 70000 } }),
      jsonSpan({ endTimeUnixNano: "18446744073709551615" }),
      jsonSpan({ name: "deep", attributes: [{ key: "deep", value: deep }] }),
      jsonSpan({
        name: "nul \u0000 inside",
        attributes: [{ key: "k\u0000", value: { stringValue: "v\u0000" } }],
      }),
    ];
    const response = await postOtlp("traces", jsonTraces(spans), {
      token: tenant.backend,
      contentType: JSON_TYPE,
    });
    expect(response.status).toBe(200);
    const body = await response.json<{ partialSuccess: { rejectedSpans: string; errorMessage: string } }>();
    expect(body.partialSuccess.rejectedSpans).toBe("3");
    expect(body.partialSuccess.errorMessage).toMatch(
      /invalid kind.*invalid status code.*end_time_unix_nano in the future/,
    );
    const stored = await rowsOf(tenant.id, "select name, attributes from spans order by name");
    expect(stored[0]).toEqual({ name: "deep", attributes: { deep: [[[[[[[["[nested too deep]"]]]]]]]] } });
    expect(stored[1]).toEqual({ name: "nul \ufffd inside", attributes: { "k\ufffd": "v\ufffd" } });
  });

  it("G36: a histogram count beyond the column's range is rejected, the other points stored", async () => {
    const tenant = await createTenant();
    const point = (count: string) => ({
      timeUnixNano: nowNanos(),
      count,
      sum: 1,
      bucketCounts: [count],
      explicitBounds: [],
    });
    const body = JSON.stringify({
      resourceMetrics: [
        {
          scopeMetrics: [
            {
              metrics: [
                {
                  name: "h",
                  histogram: {
                    aggregationTemporality: 2,
                    dataPoints: [point("3"), point("18446744073709551615")],
                  },
                },
              ],
            },
          ],
        },
      ],
    });
    const response = await postOtlp("metrics", body, { token: tenant.backend, contentType: JSON_TYPE });
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({
      partialSuccess: {
        rejectedDataPoints: "1",
        errorMessage: "1 data points rejected: 1 count out of range",
      },
    });
    expect(
      (await rowsOf(tenant.id, "select count from metric_points")).map((row) => Number(row.count)),
    ).toEqual([3]);
  });

  it("G34: a string that is not valid Unicode (a lone surrogate) is malformed input: 400", async () => {
    const tenant = await createTenant();
    const response = await postOtlp("traces", jsonTraces([jsonSpan({ name: "lone \ud800" })]), {
      token: tenant.backend,
      contentType: JSON_TYPE,
    });
    expect(response.status).toBe(400);
  });

  it("I41: a re-sent batch is stored once (deduplicated by trace id + span id)", async () => {
    const tenant = await createTenant();
    const bytes = protobufTraces(5);
    for (let i = 0; i < 3; i++) {
      const response = await postOtlp("traces", bytes, { token: tenant.backend, contentType: PROTOBUF });
      expect(response.status).toBe(200);
    }
    expect(await spanCount(tenant.id)).toBe(5);
  });

  it("I41: a re-sent log batch is stored once (deduplicated by content)", async () => {
    const tenant = await createTenant();
    const body = JSON.stringify({
      resourceLogs: [
        {
          scopeLogs: [
            { logRecords: [{ timeUnixNano: nowNanos(), severityNumber: 9, body: { stringValue: "hello" } }] },
          ],
        },
      ],
    });
    for (let i = 0; i < 2; i++)
      expect((await postOtlp("logs", body, { token: tenant.backend, contentType: JSON_TYPE })).status).toBe(
        200,
      );
    expect((await rowsOf(tenant.id, "select count(*)::int as n from log_records"))[0].n).toBe(1);
  });
});

describe("OTLP ingest: tokens (G37, D22)", () => {
  it("G37: a missing token answers 401", async () => {
    const response = await postOtlp("traces", jsonTraces([jsonSpan()]), { contentType: JSON_TYPE });
    expect(response.status).toBe(401);
    expect((await statusOf(response)).code).toBe(16);
  });

  it("G37: a revoked token answers 401 on the very next request", async () => {
    const tenant = await createTenant();
    expect((await postOtlp("traces", "{}", { token: tenant.backend, contentType: JSON_TYPE })).status).toBe(
      200,
    );
    await rowsOf(tenant.id, "delete from api_tokens where type = 'backend' returning id");
    const response = await postOtlp("traces", "{}", { token: tenant.backend, contentType: JSON_TYPE });
    expect(response.status).toBe(401);
  });

  it("D22: a token in the query string is refused", async () => {
    const tenant = await createTenant();
    const response = await call(`/v1/traces?token=${tenant.backend}`, {
      method: "POST",
      headers: { "Content-Type": JSON_TYPE },
      body: "{}",
    });
    expect(response.status).toBe(400);
    expect((await statusOf(response)).message).toMatch(/^TOKEN_IN_QUERY/);
  });

  it("a frontend token cannot send metrics (traces and logs only)", async () => {
    const tenant = await createTenant(["https://shop.example"]);
    const response = await postOtlp("metrics", "{}", {
      token: tenant.frontend,
      contentType: JSON_TYPE,
      origin: "https://shop.example",
    });
    expect(response.status).toBe(403);
    expect((await statusOf(response)).message).toMatch(/^TOKEN_NOT_ALLOWED/);
  });
});

describe("OTLP ingest: rate limit (H38)", () => {
  it("H38: ingest is limited per tenant by items, not requests: over the quota → 429 with Retry-After and RateLimit headers, nothing stored", async () => {
    const tenant = await createTenant();
    const spans = (count: number) => Array.from({ length: count }, () => jsonSpan());
    // The free plan's ingest quota is 10,000 items per minute (worker/src/rate-limit/policies.ts).
    const first = await postOtlp("traces", jsonTraces(spans(6_000)), {
      token: tenant.backend,
      contentType: JSON_TYPE,
    });
    expect(first.status).toBe(200);
    expect(first.headers.get("RateLimit-Policy")).toMatch(/"tenant";q=10000;w=60/);
    const second = await postOtlp("traces", jsonTraces(spans(6_000)), {
      token: tenant.backend,
      contentType: JSON_TYPE,
    });
    expect(second.status).toBe(429);
    expect(Number(second.headers.get("Retry-After"))).toBeGreaterThan(0);
    expect(second.headers.get("RateLimit")).toMatch(/"tenant";r=\d+;t=\d+/);
    expect((await statusOf(second)).code).toBe(8);
    expect(await spanCount(tenant.id)).toBe(6_000);
  });
});

describe("OTLP ingest: storage outage (I41)", () => {
  it("I41: with the database down ingest answers 503 with Retry-After, and the same batch re-sent later is stored", async () => {
    const tenant = await createTenant();
    const bytes = protobufTraces(4);
    // The token's lookup object reads the database too: down for it as for the request.
    const lookup = tokenLookupFor(env, await hashApiToken(tenant.backend));
    const pointAt = (databaseUrl: string) =>
      runInDurableObject(lookup, (instance) => {
        instance.databaseUrl = databaseUrl;
      });
    await pointAt(env.TEST_STOPPED_DATABASE_URL);
    const ctx = createExecutionContext();
    const down = await worker
      .fetch(
        new Request(`${ORIGIN}/v1/traces`, {
          method: "POST",
          headers: { Authorization: `Bearer ${tenant.backend}`, "Content-Type": PROTOBUF },
          body: bytes,
        }),
        { ...env, DATABASE_URL: env.TEST_STOPPED_DATABASE_URL },
        ctx,
      )
      .finally(() => pointAt(env.DATABASE_URL));
    await waitOnExecutionContext(ctx);
    expect(down.status).toBe(503);
    expect(Number(down.headers.get("Retry-After"))).toBeGreaterThan(0);
    expect((await statusOf(down)).code).toBe(14);
    expect(await spanCount(tenant.id)).toBe(0);
    const retried = await postOtlp("traces", bytes, { token: tenant.backend, contentType: PROTOBUF });
    expect(retried.status).toBe(200);
    expect(await spanCount(tenant.id)).toBe(4);
  });
});
