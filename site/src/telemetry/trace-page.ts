// /app/t/<tid>/traces/<traceId>: one trace as a waterfall. Spans are ordered depth-first from the
// roots (children by start time); each bar sits at its offset from the trace's start, scaled to
// the trace's total duration. Selecting a span shows its attributes and events.
import { api } from "../auth/api.ts";
import { $, loadTenant, report, tenantPath } from "../tenancy/tenant-page.ts";
import { waterfallOrder } from "./waterfall.ts";

type Span = {
  spanId: string;
  parentSpanId: string | null;
  name: string;
  service: string;
  startTime: string;
  durationMs: number;
  status: "unset" | "ok" | "error";
  statusMessage: string | null;
  attributes: Record<string, unknown>;
  resource: Record<string, unknown>;
  events: { time: string; name: string }[];
};

function details(span: Span): void {
  const entries = [
    ["span", `${span.name} (${span.spanId})`],
    ["service", span.service],
    ["duration", `${span.durationMs.toFixed(3)} ms`],
    ["status", span.statusMessage ? `${span.status}: ${span.statusMessage}` : span.status],
    ...Object.entries(span.attributes).map(([key, value]) => [key, JSON.stringify(value)]),
    ...span.events.map((event) => [`event ${new Date(event.time).toISOString()}`, event.name]),
  ];
  $("#details").replaceChildren(
    ...entries.flatMap(([term, value]) => [
      Object.assign(document.createElement("dt"), { textContent: term }),
      Object.assign(document.createElement("dd"), { textContent: value }),
    ]),
  );
  $("#details-section").hidden = false;
}

async function start(): Promise<void> {
  const tenant = await loadTenant();
  if (!tenant) return;
  const traceId = /\/traces\/([0-9a-f]{32})/i.exec(location.pathname)?.[1] ?? "";
  $<HTMLAnchorElement>("#back").href = `/app/t/${tenant.id}/traces`;
  $("#trace-id").textContent = traceId;
  const trace = await api<{ spans: Span[] }>(tenantPath(tenant.id, `/traces/${traceId}`));
  if (!trace.ok) return void report(trace, "");
  const spans = trace.data.spans;
  const start = Math.min(...spans.map((span) => Date.parse(span.startTime)));
  const end = Math.max(...spans.map((span) => Date.parse(span.startTime) + span.durationMs));
  const total = Math.max(end - start, 0.001);
  $("#summary").textContent = `${spans.length} spans · ${total.toFixed(1)} ms`;
  $("#waterfall").append(
    ...waterfallOrder(spans).map(({ span, depth }) => {
      const item = document.createElement("li");
      const label = Object.assign(document.createElement("button"), {
        type: "button",
        className: "span-label",
        textContent: `${span.service} · ${span.name}`,
      });
      label.style.paddingLeft = `${depth * 0.9}rem`;
      label.addEventListener("click", () => details(span));
      const track = Object.assign(document.createElement("div"), { className: "track" });
      const bar = Object.assign(document.createElement("div"), {
        className: `span-bar ${span.status}`,
        title: `${span.durationMs.toFixed(3)} ms`,
      });
      bar.style.left = `${((Date.parse(span.startTime) - start) / total) * 100}%`;
      bar.style.width = `max(2px, ${(span.durationMs / total) * 100}%)`;
      const duration = Object.assign(document.createElement("span"), {
        className: "duration",
        textContent: `${span.durationMs.toFixed(1)} ms`,
      });
      track.append(bar);
      item.append(label, track, duration);
      return item;
    }),
  );
}

void start();
