import { ExportResultCode, type ExportResult } from "@opentelemetry/core";
import {
  InMemorySpanExporter,
  SimpleSpanProcessor,
  TracerProvider,
  type ReadableSpan,
} from "@opentelemetry/sdk-trace";
import { describe, expect, it } from "vitest";
import { RumExporter, retryAfterMs } from "../../rum-sdk/src/exporter.ts";

function someSpans(count = 2): ReadableSpan[] {
  const memory = new InMemorySpanExporter();
  const provider = new TracerProvider({ spanProcessors: [new SimpleSpanProcessor({ exporter: memory })] });
  const tracer = provider.getTracer("test");
  for (let i = 0; i < count; i++) tracer.startSpan(`span ${i}`, { attributes: { "url.path": "/" } }).end();
  return memory.getFinishedSpans();
}

type Sent = { url: string; init: RequestInit };

function exporterAnswering(answer: () => Response | Promise<Response>, clock = { now: 1_000_000 }) {
  const sent: Sent[] = [];
  const exporter = new RumExporter({
    url: "/v1/traces",
    token: "frontend-token",
    now: () => clock.now,
    fetch: async (url, init) => {
      sent.push({ url: String(url), init: init! });
      return answer();
    },
  });
  const exportNow = (spans = someSpans()) =>
    new Promise<ExportResult>((resolve) => exporter.export(spans, resolve));
  return { exporter, sent, exportNow, clock };
}

describe("the RUM exporter", () => {
  it("posts OTLP JSON with the frontend token, keepalive, and no cookies", async () => {
    const { sent, exportNow } = exporterAnswering(() => new Response("{}", { status: 200 }));
    expect((await exportNow()).code).toBe(ExportResultCode.SUCCESS);
    expect(sent).toHaveLength(1);
    const { url, init } = sent[0]!;
    expect(url).toBe("/v1/traces");
    expect(init.method).toBe("POST");
    expect(init.headers).toEqual({
      "content-type": "application/json",
      authorization: "Bearer frontend-token",
    });
    expect(init.credentials).toBe("omit");
    expect(init.keepalive).toBe(true);
    const body = JSON.parse(new TextDecoder().decode(init.body as Uint8Array));
    const spans = body.resourceSpans[0].scopeSpans[0].spans;
    expect(spans.map((span: { name: string }) => span.name)).toEqual(["span 0", "span 1"]);
    expect(spans[0].traceId).toMatch(/^[0-9a-f]{32}$/);
  });

  it("honours 429 with Retry-After by dropping batches until it has passed, without retrying", async () => {
    const { sent, exportNow, clock } = exporterAnswering(
      () => new Response("", { status: 429, headers: { "retry-after": "30" } }),
    );
    expect((await exportNow()).code).toBe(ExportResultCode.FAILED);
    clock.now += 29_000;
    expect((await exportNow()).code).toBe(ExportResultCode.FAILED);
    expect(sent).toHaveLength(1);
    clock.now += 2_000;
    await exportNow();
    expect(sent).toHaveLength(2);
  });

  it("sends nothing at all once consent is withdrawn, even with spans still queued", async () => {
    const { exporter, sent, exportNow } = exporterAnswering(() => new Response("{}"));
    exporter.withdraw();
    expect((await exportNow()).code).toBe(ExportResultCode.FAILED);
    await exporter.shutdown();
    await exportNow();
    expect(sent).toEqual([]);
  });

  it("never throws into the page when the network fails", async () => {
    const { exportNow } = exporterAnswering(() => {
      throw new TypeError("Failed to fetch");
    });
    expect((await exportNow()).code).toBe(ExportResultCode.FAILED);
  });
});

describe("Retry-After", () => {
  it("reads delta-seconds and HTTP dates, and defaults to a minute", () => {
    const now = Date.parse("2026-11-23T10:00:00Z");
    expect(retryAfterMs("120", now)).toBe(120_000);
    expect(retryAfterMs("Mon, 23 Nov 2026 10:00:30 GMT", now)).toBe(30_000);
    expect(retryAfterMs(null, now)).toBe(60_000);
    expect(retryAfterMs("soon", now)).toBe(60_000);
  });
});
