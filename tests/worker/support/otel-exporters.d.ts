import type { LogRecordExporter } from "@opentelemetry/sdk-logs";
import type { PushMetricExporter } from "@opentelemetry/sdk-metrics";
import type { SpanExporter } from "@opentelemetry/sdk-trace";

type Config = { url: string; headers?: Record<string, string> };

export declare const LogsJsonExporter: new (config: Config) => LogRecordExporter;
export declare const LogsProtoExporter: new (config: Config) => LogRecordExporter;
export declare const MetricsJsonExporter: new (config: Config) => PushMetricExporter;
export declare const MetricsProtoExporter: new (config: Config) => PushMetricExporter;
export declare const TracesJsonExporter: new (config: Config) => SpanExporter;
export declare const TracesProtoExporter: new (config: Config) => SpanExporter;
