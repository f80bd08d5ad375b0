// The span detail panel of the trace page: status, attributes, resource, events (an exception
// event shows its type, message and stack trace), and links to other traces.
import type { Span } from "../lib/api-types.ts";
import { $ } from "../lib/dom.ts";

type SpanEvent = Span["events"][number];

const KINDS = ["unspecified", "internal", "server", "client", "producer", "consumer"];

const element = <K extends keyof HTMLElementTagNameMap>(tag: K, text?: string, className?: string) =>
  Object.assign(
    document.createElement(tag),
    text === undefined ? {} : { textContent: text },
    className ? { className } : {},
  );

const show = (value: unknown) => (typeof value === "string" ? value : JSON.stringify(value));

function list(entries: [string, unknown][]): HTMLElement {
  if (entries.length === 0) return element("p", "None.", "muted");
  const dl = element("dl", undefined, "pairs");
  for (const [term, value] of entries) dl.append(element("dt", term), element("dd", show(value)));
  return dl;
}

function section(title: string, ...content: HTMLElement[]): HTMLElement {
  const part = element("section");
  part.append(element("h4", title), ...content);
  return part;
}

function eventView(event: SpanEvent): HTMLElement {
  const item = element("li");
  const attributes = event.attributes ?? {};
  item.append(element("strong", `${event.name}`), ` at ${new Date(event.time).toISOString()}`);
  if (event.name === "exception") {
    item.classList.add("exception");
    item.append(
      element(
        "p",
        `${show(attributes["exception.type"] ?? "Exception")}: ${show(attributes["exception.message"] ?? "")}`,
      ),
    );
    if (attributes["exception.stacktrace"])
      item.append(element("pre", show(attributes["exception.stacktrace"]), "stack"));
  }
  const rest = Object.entries(attributes).filter(([key]) => !key.startsWith("exception."));
  if (rest.length) item.append(list(rest));
  return item;
}

/** Fills the panel (#span-detail) with one span. */
export function showSpan(span: Span, tenantId: string): void {
  const events = element("ul", undefined, "events");
  events.append(...span.events.map(eventView));
  const links = element("ul");
  links.append(
    ...span.links.map((link) => {
      const item = element("li");
      const anchor = element("a", `trace ${link.traceId} · span ${link.spanId}`);
      anchor.href = `/app/t/${tenantId}/traces/${link.traceId}#span=${link.spanId}`;
      item.append(anchor);
      return item;
    }),
  );
  $("#span-detail").replaceChildren(
    element("h3", `${span.service} · ${span.name}`),
    list([
      ["span id", span.spanId],
      ["kind", KINDS[span.kind] ?? span.kind],
      ["start", new Date(span.startTime).toISOString()],
      ["duration", `${span.durationMs.toFixed(3)} ms`],
      ["status", span.statusMessage ? `${span.status}: ${span.statusMessage}` : span.status],
    ]),
    section("Attributes", list(Object.entries(span.attributes))),
    section("Resource", list(Object.entries(span.resource))),
    section("Events", span.events.length ? events : element("p", "None.", "muted")),
    section("Links", span.links.length ? links : element("p", "None.", "muted")),
  );
  $("#span-detail").hidden = false;
}
