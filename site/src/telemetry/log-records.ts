// Log records as table rows that expand: the summary row (time, severity, service, message) has a
// toggle that reveals the record's attributes, resource, and links to its trace and span. Shared by
// the logs page and the trace page's "logs of this trace".
import type { LogsPage } from "../lib/api-types.ts";

export type LogEntry = LogsPage["logs"][number];

/** OTLP severity numbers: 1–4 TRACE, 5–8 DEBUG, 9–12 INFO, 13–16 WARN, 17–20 ERROR, 21–24 FATAL. */
export function severityName(number: number): string {
  return ["UNSET", "TRACE", "DEBUG", "INFO", "WARN", "ERROR", "FATAL"][Math.ceil(number / 4)] ?? "UNSET";
}

const cell = (text: string) => Object.assign(document.createElement("td"), { textContent: text });

function pairs(title: string, values: Record<string, unknown>): HTMLElement {
  const part = document.createElement("div");
  part.append(Object.assign(document.createElement("h4"), { textContent: title }));
  const dl = Object.assign(document.createElement("dl"), { className: "pairs" });
  for (const [key, value] of Object.entries(values))
    dl.append(
      Object.assign(document.createElement("dt"), { textContent: key }),
      Object.assign(document.createElement("dd"), {
        textContent: typeof value === "string" ? value : JSON.stringify(value),
      }),
    );
  part.append(
    Object.keys(values).length
      ? dl
      : Object.assign(document.createElement("p"), { textContent: "None.", className: "muted" }),
  );
  return part;
}

function detailOf(entry: LogEntry, tenantId: string): HTMLElement {
  const detail = Object.assign(document.createElement("div"), { className: "log-detail" });
  if (entry.traceId) {
    const link = Object.assign(document.createElement("a"), {
      href: `/app/t/${tenantId}/traces/${entry.traceId}?at=${entry.time}${entry.spanId ? `#span=${entry.spanId}` : ""}`,
      textContent: `trace ${entry.traceId}${entry.spanId ? ` · span ${entry.spanId}` : ""}`,
    });
    detail.append(link);
  }
  detail.append(pairs("Attributes", entry.attributes), pairs("Resource", entry.resource));
  return detail;
}

export function logRows(entries: LogEntry[], tenantId: string): HTMLTableRowElement[] {
  return entries.flatMap((entry) => {
    const severity = severityName(entry.severityNumber);
    const summary = Object.assign(document.createElement("tr"), {
      className: `severity-${severity.toLowerCase()}`,
    });
    const toggle = Object.assign(document.createElement("button"), {
      type: "button",
      className: "expand",
      textContent: "▸",
    });
    toggle.setAttribute("aria-expanded", "false");
    toggle.setAttribute("aria-label", "Show the record's details");
    const toggleCell = document.createElement("td");
    toggleCell.append(toggle);
    summary.append(
      toggleCell,
      cell(new Date(entry.time).toLocaleString()),
      cell(entry.severityText || severity),
      cell(entry.service),
      cell(entry.body ?? ""),
    );
    const detailRow = Object.assign(document.createElement("tr"), {
      className: "log-detail-row",
      hidden: true,
    });
    const detailCell = Object.assign(document.createElement("td"), { colSpan: 5 });
    detailRow.append(detailCell);
    toggle.addEventListener("click", () => {
      const open = detailRow.hidden;
      if (open && !detailCell.firstChild) detailCell.append(detailOf(entry, tenantId));
      detailRow.hidden = !open;
      toggle.textContent = open ? "▾" : "▸";
      toggle.setAttribute("aria-expanded", String(open));
    });
    return [summary, detailRow];
  });
}

/** A whole table of records (the trace page's logs). */
export function logTable(entries: LogEntry[], tenantId: string): HTMLTableElement {
  const table = Object.assign(document.createElement("table"), { className: "data logs" });
  const head = table.createTHead().insertRow();
  for (const title of ["", "Time", "Severity", "Service", "Message"])
    head.append(Object.assign(document.createElement("th"), { scope: "col", textContent: title }));
  table.createTBody().append(...logRows(entries, tenantId));
  return table;
}
