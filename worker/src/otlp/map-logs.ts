// ExportLogsServiceRequest → log record rows. A record without a time takes its observed time,
// then the time of receipt (the spec's order). Rejected: malformed trace/span ids, far-future times.
// Records from a frontend token pass the same privacy firewall as browser spans: allow-listed,
// size-capped attributes and resource, the receipt's session, the edge's country and colo, and no
// free text (the body and severity text are dropped: a browser log line can carry anything) unless
// the tenant's owner allowed it (tenants.browser_log_text); then they are kept, capped in size.
// `browser.web_vital` events (OpenTelemetry's web-vitals instrumentation) get their route.
import { attributesOf, serviceNameOf, valueOf, type Attributes } from "./attributes.ts";
import type { ExportLogsServiceRequest, LogRecord } from "./generated/otlp_pb.ts";
import { hex } from "../byte-encoding.ts";
import { SPAN_ID_BYTES, TRACE_ID_BYTES } from "./ids.ts";
import { Rejections, type Mapped } from "./rejections.ts";
import { isoFromNanos, latestAcceptedNanos } from "./timestamps.ts";
import {
  browserResource,
  enrichedAttributes,
  MAX_BROWSER_LOG_BODY_CHARS,
  MAX_BROWSER_STRING_CHARS,
  withoutIdentity,
  type EdgeFacts,
} from "./privacy-firewall.ts";
import { WEB_VITAL_EVENT, withRoute } from "./rum-route.ts";

export type LogRow = {
  time: string;
  observed_time: string | null;
  service_name: string;
  severity_number: number;
  severity_text: string | null;
  body: string | null;
  attributes: Attributes;
  resource: Attributes;
  scope: Attributes | null;
  trace_id: string | null;
  span_id: string | null;
  event_name: string | null;
};

export function mapLogs(
  request: ExportLogsServiceRequest,
  now: number,
  browser?: EdgeFacts,
  routes: readonly string[] = [],
): Mapped<LogRow> {
  const rows: LogRow[] = [];
  const rejections = new Rejections();
  const latest = latestAcceptedNanos(now);
  const received = BigInt(now) * 1_000_000n;
  for (const resourceLogs of request.resourceLogs) {
    const fullResource = attributesOf(resourceLogs.resource?.attributes ?? []);
    const resource = browser ? withoutIdentity(browserResource(fullResource, browser)) : fullResource;
    const serviceName = serviceNameOf(fullResource);
    for (const scopeLogs of resourceLogs.scopeLogs) {
      const scope = scopeLogs.scope ? { name: scopeLogs.scope.name, version: scopeLogs.scope.version } : null;
      for (const record of scopeLogs.logRecords) {
        const time = record.timeUnixNano || record.observedTimeUnixNano || received;
        const problem = problemOf(record, time, latest);
        if (problem) {
          rejections.add(problem);
          continue;
        }
        rows.push({
          time: isoFromNanos(time),
          observed_time: record.observedTimeUnixNano ? isoFromNanos(record.observedTimeUnixNano) : null,
          service_name: serviceName,
          severity_number: record.severityNumber,
          ...textOf(record, browser),
          attributes: attributesOfRecord(record, browser, routes),
          resource,
          scope,
          trace_id: record.traceId.length ? hex(record.traceId) : null,
          span_id: record.spanId.length ? hex(record.spanId) : null,
          event_name:
            (browser ? record.eventName.slice(0, MAX_BROWSER_STRING_CHARS) : record.eventName) || null,
        });
      }
    }
  }
  return { rows, ...rejections.summary("log records") };
}

function problemOf(record: LogRecord, time: bigint, latest: bigint): string | null {
  if (record.traceId.length !== 0 && record.traceId.length !== TRACE_ID_BYTES) return "invalid trace_id";
  if (record.spanId.length !== 0 && record.spanId.length !== SPAN_ID_BYTES) return "invalid span_id";
  if (record.severityNumber < 0 || record.severityNumber > 24) return "invalid severity_number";
  if (time > latest) return "time_unix_nano in the future";
  return null;
}

/** Severity text and body: as sent from a backend; from a browser, only if the tenant allows it. */
function textOf(record: LogRecord, browser: EdgeFacts | undefined) {
  if (!browser) return { severity_text: record.severityText || null, body: bodyOf(record) };
  if (!browser.logText) return { severity_text: null, body: null };
  return {
    severity_text: record.severityText.slice(0, MAX_BROWSER_STRING_CHARS) || null,
    body: bodyOf(record)?.slice(0, MAX_BROWSER_LOG_BODY_CHARS) ?? null,
  };
}

/** Strings are stored as they are; any other body (a map, an array) as its JSON. */
function bodyOf(record: LogRecord): string | null {
  if (!record.body?.value.case) return null;
  const value = valueOf(record.body);
  return typeof value === "string" ? value : JSON.stringify(value);
}

function attributesOfRecord(record: LogRecord, browser: EdgeFacts | undefined, routes: readonly string[]) {
  const sent = attributesOf(record.attributes);
  const kept = browser ? withoutIdentity(enrichedAttributes(sent, browser)) : sent;
  const event = record.eventName || sent["event.name"];
  return event === WEB_VITAL_EVENT ? withRoute(kept, routes) : kept;
}
