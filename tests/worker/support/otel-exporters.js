// The official OTLP/HTTP exporters, re-exported from plain JavaScript: their type declarations
// reference Node's types, which would retype setTimeout & co. for the whole Worker project.
// otel-exporters.d.ts declares the small surface the tests use.
export { OTLPLogExporter as LogsJsonExporter } from "@opentelemetry/exporter-logs-otlp-http";
export { OTLPLogExporter as LogsProtoExporter } from "@opentelemetry/exporter-logs-otlp-proto";
export { OTLPMetricExporter as MetricsJsonExporter } from "@opentelemetry/exporter-metrics-otlp-http";
export { OTLPMetricExporter as MetricsProtoExporter } from "@opentelemetry/exporter-metrics-otlp-proto";
export { OTLPTraceExporter as TracesJsonExporter } from "@opentelemetry/exporter-trace-otlp-http";
export { OTLPTraceExporter as TracesProtoExporter } from "@opentelemetry/exporter-trace-otlp-proto";
