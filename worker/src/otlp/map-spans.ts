// ExportTraceServiceRequest → span rows. A span that cannot be stored (bad ids, no start time, an
// end before its start, a time in the far future) is rejected and counted, the rest are kept
// (OTLP partial success). Rows use the column names of the spans table (store.ts inserts them as
// one JSON array).
import { attributesOf, serviceNameOf, type Attributes } from "./attributes.ts";
import type { ExportTraceServiceRequest, Span } from "./generated/otlp_pb.ts";
import { hex } from "../byte-encoding.ts";
import { isValidId, SPAN_ID_BYTES, TRACE_ID_BYTES } from "./ids.ts";
import { browserResource, enrichedAttributes, withoutQuery, type EdgeFacts } from "./privacy-firewall.ts";
import { isoFromNanos, latestAcceptedNanos } from "./timestamps.ts";
import { Rejections, type Mapped } from "./rejections.ts";
import { isRumSpan, withRoute } from "./rum-route.ts";

export type SpanRow = {
  trace_id: string;
  span_id: string;
  parent_span_id: string | null;
  start_time: string;
  duration_ns: number;
  service_name: string;
  name: string;
  kind: number;
  status_code: number;
  status_message: string | null;
  attributes: Attributes;
  resource: Attributes;
  scope: Attributes | null;
  events: unknown[] | null;
  links: unknown[] | null;
  source: "backend" | "frontend";
};

/**
 * `browser` set: the spans came with a frontend token and pass the privacy firewall. `routes`: the
 * tenant's route patterns, which name the route of page views and web vitals (rum-route.ts).
 */
export function mapSpans(
  request: ExportTraceServiceRequest,
  now: number,
  browser?: EdgeFacts,
  routes: readonly string[] = [],
): Mapped<SpanRow> {
  const rows: SpanRow[] = [];
  const rejections = new Rejections();
  const latest = latestAcceptedNanos(now);
  for (const resourceSpans of request.resourceSpans) {
    const fullResource = attributesOf(resourceSpans.resource?.attributes ?? []);
    const resource = browser ? browserResource(fullResource, browser) : fullResource;
    const serviceName = serviceNameOf(fullResource);
    for (const scopeSpans of resourceSpans.scopeSpans) {
      const scope = scopeSpans.scope
        ? { name: scopeSpans.scope.name, version: scopeSpans.scope.version }
        : null;
      for (const span of scopeSpans.spans) {
        const problem = problemOf(span, latest);
        if (problem) {
          rejections.add(problem);
          continue;
        }
        rows.push(rowOf(span, { resource, serviceName, scope, browser, routes }));
      }
    }
  }
  return { rows, ...rejections.summary("spans") };
}

function problemOf(span: Span, latest: bigint): string | null {
  if (!isValidId(span.traceId, TRACE_ID_BYTES)) return "invalid trace_id";
  if (!isValidId(span.spanId, SPAN_ID_BYTES)) return "invalid span_id";
  if (span.parentSpanId.length > 0 && span.parentSpanId.length !== SPAN_ID_BYTES)
    return "invalid parent_span_id";
  if (span.kind < 0 || span.kind > 5) return "invalid kind";
  if ((span.status?.code ?? 0) < 0 || (span.status?.code ?? 0) > 2) return "invalid status code";
  if (span.startTimeUnixNano === 0n) return "missing start_time_unix_nano";
  if (span.endTimeUnixNano < span.startTimeUnixNano) return "end_time_unix_nano before start_time_unix_nano";
  if (span.endTimeUnixNano > latest) return "end_time_unix_nano in the future";
  return null;
}

type Context = {
  resource: Attributes;
  serviceName: string;
  scope: Attributes | null;
  browser: EdgeFacts | undefined;
  routes: readonly string[];
};

function rowOf(span: Span, { resource, serviceName, scope, browser, routes }: Context): SpanRow {
  const sent = attributesOf(span.attributes);
  const kept = browser ? enrichedAttributes(sent, browser) : sent;
  const attributes = isRumSpan(span.name) ? withRoute(kept, routes) : kept;
  return {
    trace_id: hex(span.traceId),
    span_id: hex(span.spanId),
    parent_span_id: span.parentSpanId.length > 0 ? hex(span.parentSpanId) : null,
    start_time: isoFromNanos(span.startTimeUnixNano),
    duration_ns: Number(span.endTimeUnixNano - span.startTimeUnixNano),
    service_name: serviceName,
    name: browser ? withoutQuery(span.name) : span.name,
    kind: span.kind,
    status_code: span.status?.code ?? 0,
    status_message: browser ? null : span.status?.message || null,
    attributes,
    resource,
    scope,
    events: eventsOf(span, browser !== undefined),
    links: linksOf(span, browser !== undefined),
    source: browser ? "frontend" : "backend",
  };
}

function eventsOf(span: Span, browser: boolean): unknown[] | null {
  if (span.events.length === 0) return null;
  return span.events.map((event) => ({
    time: isoFromNanos(event.timeUnixNano),
    name: event.name,
    ...(browser ? {} : { attributes: attributesOf(event.attributes) }),
  }));
}

function linksOf(span: Span, browser: boolean): unknown[] | null {
  if (span.links.length === 0) return null;
  return span.links.map((link) => ({
    traceId: hex(link.traceId),
    spanId: hex(link.spanId),
    ...(browser ? {} : { attributes: attributesOf(link.attributes) }),
  }));
}
