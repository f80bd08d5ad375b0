// The official OpenTelemetry JS exporters (OTLP/HTTP protobuf and JSON) send to the Worker; what
// they sent is then read back. Real clients, not hand-built payloads.
import {
  LogsJsonExporter as LogsJson,
  LogsProtoExporter as LogsProto,
  MetricsJsonExporter as MetricsJson,
  MetricsProtoExporter as MetricsProto,
  TracesJsonExporter as TracesJson,
  TracesProtoExporter as TracesProto,
} from "./support/otel-exporters.js";
import { resourceFromAttributes } from "@opentelemetry/resources";
import { LoggerProvider, SimpleLogRecordProcessor } from "@opentelemetry/sdk-logs";
import { MeterProvider, PeriodicExportingMetricReader } from "@opentelemetry/sdk-metrics";
import { SimpleSpanProcessor, TracerProvider, type SpanExporter } from "@opentelemetry/sdk-trace";
import { ROOT_CONTEXT, SpanStatusCode, trace } from "@opentelemetry/api";
import { describe, expect, it } from "vitest";
import { ORIGIN } from "./helpers.ts";
import { createTenant, rowsOf, withWorkerFetch } from "./support/telemetry.ts";

const headers = (token: string) => ({ Authorization: `Bearer ${token}` });

async function sendSpans(exporter: SpanExporter, service: string) {
  const provider = new TracerProvider({
    resource: resourceFromAttributes({ "service.name": service }),
    spanProcessors: [new SimpleSpanProcessor({ exporter })],
  });
  const tracer = provider.getTracer("otlp-test", "1.0.0");
  await withWorkerFetch(async () => {
    const root = tracer.startSpan("GET /checkout", { attributes: { "http.request.method": "GET" } });
    // No context manager in a Worker: the parent is passed explicitly.
    const child = tracer.startSpan(
      "SELECT orders",
      { attributes: { "db.system": "postgresql", big: 2 ** 40 } },
      trace.setSpan(ROOT_CONTEXT, root),
    );
    child.addEvent("rows fetched", { count: 3 });
    child.setStatus({ code: SpanStatusCode.ERROR, message: "timeout" });
    child.end();
    root.end();
    await provider.forceFlush();
  });
  await provider.shutdown();
}

describe("OTLP ingest with the official exporters", () => {
  for (const [encoding, Exporter] of [
    ["protobuf", TracesProto],
    ["JSON", TracesJson],
  ] as const) {
    it(`stores the spans the ${encoding} trace exporter sends, with parent links, attributes, events and status`, async () => {
      const tenant = await createTenant();
      const exporter = new Exporter({ url: `${ORIGIN}/v1/traces`, headers: headers(tenant.backend) });
      await sendSpans(exporter, `checkout-${encoding}`);
      const spans = await rowsOf(
        tenant.id,
        `select *, encode(trace_id, 'hex') as trace_id, encode(span_id, 'hex') as span_id,
          encode(parent_span_id, 'hex') as parent_span_id from spans order by spans.parent_span_id nulls first`,
      );
      expect(spans).toHaveLength(2);
      const [root, child] = spans;
      expect(root).toMatchObject({
        name: "GET /checkout",
        service_name: `checkout-${encoding}`,
        parent_span_id: null,
        kind: 1,
        source: "backend",
      });
      expect(child).toMatchObject({
        name: "SELECT orders",
        trace_id: root.trace_id,
        parent_span_id: root.span_id,
        status_code: 2,
        status_message: "timeout",
        attributes: { "db.system": "postgresql", big: 2 ** 40 },
      });
      expect(child.trace_id).toMatch(/^[0-9a-f]{32}$/);
      expect(child.events).toEqual([
        expect.objectContaining({ name: "rows fetched", attributes: { count: 3 } }),
      ]);
      expect(root.resource["service.name"]).toBe(`checkout-${encoding}`);
      expect(Number(root.duration_ns)).toBeGreaterThanOrEqual(0);
    });
  }

  for (const [encoding, Exporter] of [
    ["protobuf", LogsProto],
    ["JSON", LogsJson],
  ] as const) {
    it(`stores the log records the ${encoding} log exporter sends`, async () => {
      const tenant = await createTenant();
      const provider = new LoggerProvider({
        resource: resourceFromAttributes({ "service.name": "billing" }),
        processors: [
          new SimpleLogRecordProcessor({
            exporter: new Exporter({ url: `${ORIGIN}/v1/logs`, headers: headers(tenant.backend) }),
          }),
        ],
      });
      await withWorkerFetch(async () => {
        const logger = provider.getLogger("otlp-test");
        logger.emit({
          severityNumber: 17,
          severityText: "ERROR",
          body: "payment declined",
          attributes: { "order.id": 42 },
        });
        logger.emit({ severityNumber: 9, severityText: "INFO", body: { structured: true } });
        await provider.forceFlush();
      });
      await provider.shutdown();
      const logs = await rowsOf(tenant.id, "select * from log_records order by severity_number desc");
      expect(logs).toHaveLength(2);
      expect(logs[0]).toMatchObject({
        service_name: "billing",
        severity_number: 17,
        severity_text: "ERROR",
        body: "payment declined",
        attributes: { "order.id": 42 },
      });
      expect(JSON.parse(logs[1].body)).toEqual({ structured: true });
    });
  }

  for (const [encoding, Exporter] of [
    ["protobuf", MetricsProto],
    ["JSON", MetricsJson],
  ] as const) {
    it(`stores the counter, gauge and histogram points the ${encoding} metric exporter sends`, async () => {
      const tenant = await createTenant();
      const reader = new PeriodicExportingMetricReader({
        exporter: new Exporter({ url: `${ORIGIN}/v1/metrics`, headers: headers(tenant.backend) }),
        exportIntervalMillis: 3_600_000,
      });
      const provider = new MeterProvider({
        resource: resourceFromAttributes({ "service.name": "api" }),
        readers: [reader],
      });
      const meter = provider.getMeter("otlp-test");
      meter.createCounter("requests").add(5, { route: "/a" });
      meter.createHistogram("latency", { unit: "ms" }).record(120);
      meter.createGauge("queue.depth").record(7);
      await withWorkerFetch(() => provider.forceFlush());
      await provider.shutdown().catch(() => {});
      const points = await rowsOf(tenant.id, "select * from metric_points order by name");
      expect(points.map((p) => [p.name, p.type])).toEqual([
        ["latency", "histogram"],
        ["queue.depth", "gauge"],
        ["requests", "sum"],
      ]);
      const [latency, gauge, requests] = points;
      expect(latency).toMatchObject({
        unit: "ms",
        value: 120,
        sum: 120,
        min: 120,
        max: 120,
        service_name: "api",
      });
      expect(Number(latency.count)).toBe(1);
      expect(gauge.value).toBe(7);
      expect(requests).toMatchObject({ value: 5, is_monotonic: true, attributes: { route: "/a" } });
    });
  }
});
