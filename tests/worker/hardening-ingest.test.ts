// Hardening of the public ingest surface (issue "what an attacker tries next", items 1 and 2):
// a request is refused or charged in full before anything is mapped, decoding is bounded in
// memory, and only an unreachable database is answered with a retryable status.
import { env } from "cloudflare:workers";
import { create, fromBinary, toBinary, type MessageInitShape } from "@bufbuild/protobuf";
import { describe, expect, it } from "vitest";
import { MAX_DECODED_MESSAGES, MAX_NESTING } from "../../worker/src/otlp/decode.ts";
import {
  ExportTraceServiceRequestSchema,
  RpcStatusSchema,
  type SpanSchema,
} from "../../worker/src/otlp/generated/otlp_pb.ts";
import { tenantKey } from "../../worker/src/rate-limit/keys.ts";
import { POLICIES } from "../../worker/src/rate-limit/policies.ts";
import { MAX_ITEMS_PER_REQUEST } from "../../worker/src/routes/otlp.ts";
import { isStorageUnavailable } from "../../worker/src/storage-failure.ts";
import { connect } from "./helpers.ts";
import { createTenant, nowNanos, postOtlp, rowsOf } from "./support/telemetry.ts";

const PROTOBUF = "application/x-protobuf";
const SHOP = "https://shop.example";
const INGEST = POLICIES.ingest.plans.free;

function protobufSpans(
  count: number,
  span: (i: number) => MessageInitShape<typeof SpanSchema> = () => ({}),
): Uint8Array {
  const now = BigInt(nowNanos());
  const spans = Array.from({ length: count }, (_, i) => ({
    traceId: crypto.getRandomValues(new Uint8Array(16)),
    spanId: crypto.getRandomValues(new Uint8Array(8)),
    name: "op",
    startTimeUnixNano: now - 1000n,
    endTimeUnixNano: now,
    ...span(i),
  }));
  const request = create(ExportTraceServiceRequestSchema, { resourceSpans: [{ scopeSpans: [{ spans }] }] });
  return toBinary(ExportTraceServiceRequestSchema, request);
}

const statusOf = async (response: Response) =>
  fromBinary(RpcStatusSchema, new Uint8Array(await response.arrayBuffer()));
const spanCount = async (tenantId: string) =>
  (await rowsOf(tenantId, "select count(*)::int as n from spans"))[0].n;
const ingestLeft = async (tenantId: string) =>
  Object.values(await env.RATE_LIMITER.getByName(tenantKey(tenantId)).inspect({ ingest: INGEST }))[0]
    .remaining;

describe("hardening: ingest item cap and full-cost charge", () => {
  it("hardening: a request above the per-request item cap answers 413 naming the cap, stores and charges nothing", async () => {
    const tenant = await createTenant();
    const response = await postOtlp("traces", protobufSpans(MAX_ITEMS_PER_REQUEST + 1), {
      token: tenant.backend,
      contentType: PROTOBUF,
    });
    expect(response.status).toBe(413);
    const status = await statusOf(response);
    expect(status.code).toBe(8);
    expect(status.message).toBe(
      `TOO_MANY_ITEMS: ${MAX_ITEMS_PER_REQUEST + 1} spans in one request; at most ${MAX_ITEMS_PER_REQUEST} per request`,
    );
    expect(await spanCount(tenant.id)).toBe(0);
    expect(await ingestLeft(tenant.id)).toBe(INGEST.quota);
  });

  it("hardening: the item cap is the smallest bucket a request spends from (a browser batch above the per-IP burst is 413)", async () => {
    const tenant = await createTenant([SHOP]);
    const burst = POLICIES.browser.plans.free.quota;
    const response = await postOtlp("traces", protobufSpans(burst + 1), {
      token: tenant.frontend,
      contentType: PROTOBUF,
      origin: SHOP,
    });
    expect(response.status).toBe(413);
    expect((await statusOf(response)).message).toContain(`at most ${burst} per request`);
  });

  it("hardening: ingest is charged its full cost: a batch larger than the quota left answers 429 and stores nothing", async () => {
    // The bucket refills ≈ 167 spans a second, so the second batch is well above what is left.
    const tenant = await createTenant();
    const first = await postOtlp("traces", protobufSpans(INGEST.quota - 10), {
      token: tenant.backend,
      contentType: PROTOBUF,
    });
    expect(first.status).toBe(200);
    const second = await postOtlp("traces", protobufSpans(2_000), {
      token: tenant.backend,
      contentType: PROTOBUF,
    });
    expect(second.status).toBe(429);
    expect(Number(second.headers.get("Retry-After"))).toBeGreaterThanOrEqual(1);
    expect(await spanCount(tenant.id)).toBe(INGEST.quota - 10);
  });
});

describe("hardening: decoding is bounded in memory", () => {
  it("hardening: a protobuf body of more tiny messages than the decode budget answers 413 before it is decoded", async () => {
    const tenant = await createTenant();
    // One span with MAX_DECODED_MESSAGES empty attributes: 2 bytes each on the wire, ≈ 80 B of heap each decoded.
    const body = protobufSpans(1, () => ({
      attributes: Array.from({ length: MAX_DECODED_MESSAGES }, () => ({ key: "" })),
    }));
    expect(body.byteLength).toBeLessThan(1_100_000);
    const response = await postOtlp("traces", body, { token: tenant.backend, contentType: PROTOBUF });
    expect(response.status).toBe(413);
    const status = await statusOf(response);
    expect(status.message).toBe(
      `PAYLOAD_TOO_LARGE: The request holds more than ${MAX_DECODED_MESSAGES} messages (JSON: objects and arrays)`,
    );
    expect(await ingestLeft(tenant.id)).toBe(INGEST.quota);
  });

  it("hardening: a JSON body of more objects and arrays than the decode budget answers 413", async () => {
    const tenant = await createTenant();
    const body = `{"resourceSpans":[${"{},".repeat(MAX_DECODED_MESSAGES)}{}]}`;
    const response = await postOtlp("traces", body, {
      token: tenant.backend,
      contentType: "application/json",
    });
    expect(response.status).toBe(413);
    expect(((await response.json()) as { message: string }).message).toContain(
      `${MAX_DECODED_MESSAGES} messages`,
    );
  });

  it(`hardening: JSON nested deeper than ${MAX_NESTING} levels answers 400, never a stack overflow`, async () => {
    const tenant = await createTenant();
    const deep = "[".repeat(100_000) + "]".repeat(100_000);
    const body = `{"resourceSpans":[{"resource":{"attributes":[{"key":"k","value":{"arrayValue":{"values":${deep}}}}]}}]}`;
    const response = await postOtlp("traces", body, {
      token: tenant.backend,
      contentType: "application/json",
    });
    expect(response.status).toBe(400);
    expect(((await response.json()) as { message: string }).message).toBe(
      `INVALID_REQUEST: The request is nested deeper than ${MAX_NESTING} levels`,
    );
  });
});

describe("hardening: ingest errors and the one base64 implementation", () => {
  it("hardening: a 250 KB bytesValue attribute is stored as base64 (never a RangeError answered 503)", async () => {
    const tenant = await createTenant();
    const bytes = crypto.getRandomValues(new Uint8Array(65_536)).map((_, i) => i % 251);
    const large = new Uint8Array(250_000).map((_, i) => bytes[i % bytes.length]);
    const body = protobufSpans(1, () => ({
      attributes: [{ key: "blob", value: { value: { case: "bytesValue", value: large } } }],
    }));
    const response = await postOtlp("traces", body, { token: tenant.backend, contentType: PROTOBUF });
    expect(response.status).toBe(200);
    const [row] = await rowsOf(tenant.id, "select attributes->>'blob' as blob from spans");
    expect(row.blob).toBe(Buffer.from(large).toString("base64"));
  });

  it("hardening: only an unreachable database is storage unavailability (503); bugs and refused data are 500", async () => {
    expect(isStorageUnavailable(new RangeError("Maximum call stack size exceeded"))).toBe(false);
    expect(isStorageUnavailable(new TypeError("x is undefined"))).toBe(false);
    const live = await connect(env.DATABASE_URL);
    try {
      const refused = await live.query("select 'not a uuid'::uuid").catch((error: unknown) => error);
      expect(isStorageUnavailable(refused)).toBe(false);
      expect(isStorageUnavailable(new Error("wrapped", { cause: refused }))).toBe(false);
    } finally {
      await live.end();
    }
    const down = await connect(env.TEST_STOPPED_DATABASE_URL).catch((error: unknown) => error);
    expect(isStorageUnavailable(down)).toBe(true);
  });
});
