import type { ExportResult } from "@opentelemetry/core";
import type { ReadableSpan } from "@opentelemetry/sdk-trace";

export declare class RumExporter {
  constructor(options: {
    url: string;
    token: string;
    fetch?: (input: RequestInfo | URL, init?: RequestInit) => Promise<Response>;
  });
  export(spans: ReadableSpan[], done: (result: ExportResult) => void): void;
}
