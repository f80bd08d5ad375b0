// /app/t/<tid>/traces/<traceId>: one trace as a waterfall. Spans are ordered depth-first from the
// roots (children by start time); each bar sits at its offset from the trace's start on a time
// axis scaled to the trace's total duration; a span with children folds them away; failed spans
// are marked. Selecting a span (or #span=<id> in the URL) opens its detail panel; below, the
// trace's log records.
import { api } from "../lib/api.ts";
import type { LogsPage, Span, Trace } from "../lib/api-types.ts";
import { $ } from "../lib/dom.ts";
import { mountTenantPage, report, tenantPath, type Tenant } from "../tenancy/tenant-page.ts";
import { logTable } from "./log-records.ts";
import { traceWindowQuery } from "./time-range.ts";
import { showSpan } from "./span-detail.ts";
import { waterfallOrder } from "./waterfall.ts";

const TICKS = 5;

function axis(total: number): HTMLLIElement {
  const item = Object.assign(document.createElement("li"), { className: "axis-row" });
  item.setAttribute("aria-hidden", "true");
  const track = Object.assign(document.createElement("div"), { className: "track ticks" });
  for (let i = 0; i < TICKS; i++) {
    const tick = Object.assign(document.createElement("span"), {
      className: "tick",
      textContent: `${+((total * i) / (TICKS - 1)).toPrecision(3)} ms`,
    });
    tick.style.left = `${(i / (TICKS - 1)) * 100}%`;
    track.append(tick);
  }
  item.append(document.createElement("span"), track, document.createElement("span"));
  return item;
}

/** Hides the rows below a folded span (rows are depth-first, so its subtree follows it). */
function applyFolds(rows: { item: HTMLLIElement; depth: number; folded: boolean }[]): void {
  let hideDeeperThan = Infinity;
  for (const row of rows) {
    if (row.depth <= hideDeeperThan) hideDeeperThan = Infinity;
    row.item.hidden = row.depth > hideDeeperThan;
    if (!row.item.hidden && row.folded) hideDeeperThan = row.depth;
  }
}

function renderWaterfall(spans: Span[], tenant: Tenant): void {
  const start = Math.min(...spans.map((span) => Date.parse(span.startTime)));
  const end = Math.max(...spans.map((span) => Date.parse(span.startTime) + span.durationMs));
  const total = Math.max(end - start, 0.001);
  const errors = spans.filter((span) => span.status === "error").length;
  $("#summary").textContent =
    `${spans.length} spans · ${total.toFixed(1)} ms${errors ? ` · ${errors} failed` : ""}`;
  const ordered = waterfallOrder(spans);
  const rows: { item: HTMLLIElement; depth: number; folded: boolean }[] = [];
  ordered.forEach(({ span, depth }, index) => {
    const item = Object.assign(document.createElement("li"), {
      className: span.status === "error" ? "error" : "",
    });
    item.dataset.spanId = span.spanId;
    const label = Object.assign(document.createElement("div"), { className: "span-label" });
    label.style.paddingLeft = `${depth * 0.9}rem`;
    const hasChildren = ordered[index + 1]?.depth > depth;
    const row = { item, depth, folded: false };
    if (hasChildren) {
      const fold = Object.assign(document.createElement("button"), {
        type: "button",
        className: "fold",
        textContent: "▾",
      });
      fold.setAttribute("aria-expanded", "true");
      fold.setAttribute("aria-label", `Fold the children of ${span.name}`);
      fold.addEventListener("click", () => {
        row.folded = !row.folded;
        fold.textContent = row.folded ? "▸" : "▾";
        fold.setAttribute("aria-expanded", String(!row.folded));
        applyFolds(rows);
      });
      label.append(fold);
    }
    const select = Object.assign(document.createElement("button"), {
      type: "button",
      className: "span-name",
      textContent: `${span.status === "error" ? "⚠ " : ""}${span.service} · ${span.name}`,
    });
    if (span.status === "error") select.setAttribute("aria-description", "failed");
    select.addEventListener("click", () => {
      for (const other of document.querySelectorAll("#waterfall li.selected"))
        other.classList.remove("selected");
      item.classList.add("selected");
      history.replaceState(null, "", `#span=${span.spanId}`);
      showSpan(span, tenant.id);
    });
    label.append(select);
    const track = Object.assign(document.createElement("div"), { className: "track" });
    const bar = Object.assign(document.createElement("div"), {
      className: `span-bar ${span.status}`,
      title: `${span.durationMs.toFixed(3)} ms`,
    });
    bar.style.left = `${((Date.parse(span.startTime) - start) / total) * 100}%`;
    bar.style.width = `max(2px, ${(span.durationMs / total) * 100}%)`;
    track.append(bar);
    const duration = Object.assign(document.createElement("span"), {
      className: "duration",
      textContent: `${span.durationMs.toFixed(1)} ms`,
    });
    item.append(label, track, duration);
    rows.push(row);
  });
  $("#waterfall").replaceChildren(axis(total), ...rows.map((row) => row.item));
  const asked = /span=([0-9a-f]{16})/.exec(location.hash)?.[1];
  document.querySelector<HTMLButtonElement>(`#waterfall li[data-span-id="${asked}"] .span-name`)?.click();
}

async function loadLogs(tenant: Tenant, traceId: string, spans: Span[]): Promise<void> {
  // Logs of a trace are written while it runs: an hour either side covers clock skew and stragglers.
  const from = new Date(
    Math.min(...spans.map((span) => Date.parse(span.startTime))) - 3600_000,
  ).toISOString();
  const to = new Date(
    Math.max(...spans.map((span) => Date.parse(span.startTime) + span.durationMs)) + 3600_000,
  ).toISOString();
  const query = `traceId=${traceId}&from=${from}&to=${to}`;
  $<HTMLAnchorElement>("#all-logs").href = `/app/t/${tenant.id}/logs?${query}`;
  const logs = await api<LogsPage>(tenantPath(tenant.id, `/logs?${query}&limit=200`));
  if (!logs.ok) return void report(logs, "");
  $("#trace-logs").replaceChildren(logTable(logs.data.logs, tenant.id));
  $("#no-logs").hidden = logs.data.logs.length > 0;
}

mountTenantPage(async (tenant) => {
  const traceId = /\/traces\/([0-9a-f]{32})/i.exec(location.pathname)?.[1] ?? "";
  $<HTMLAnchorElement>("#back").href = `/app/t/${tenant.id}/traces`;
  $("#trace-id").textContent = traceId;
  // ?at=: where the link saw the trace (the list, a log record); links without it ask for all days.
  const at = Date.parse(new URLSearchParams(location.search).get("at") ?? "");
  const hint = Number.isNaN(at) ? "" : `?${traceWindowQuery(at)}`;
  const trace = await api<Trace>(tenantPath(tenant.id, `/traces/${traceId}${hint}`));
  if (!trace.ok) return void report(trace, "");
  renderWaterfall(trace.data.spans, tenant);
  await loadLogs(tenant, traceId, trace.data.spans);
});
