// /app/t/<tid>/logs: log records newest first, by minimum severity, service and text.
import { api } from "../auth/api.ts";
import { $, loadTenant, report, tenantPath, type Tenant } from "../tenancy/tenant-page.ts";
import { bindRangeSelect, currentRange, rangeQuery } from "./time-range.ts";

type LogEntry = {
  time: string;
  service: string;
  severityNumber: number;
  severityText: string | null;
  body: string | null;
  traceId: string | null;
};

let tenant: Tenant;
let cursor: string | null = null;

/** OTLP severity numbers: 1–4 TRACE, 5–8 DEBUG, 9–12 INFO, 13–16 WARN, 17–20 ERROR, 21–24 FATAL. */
function severityName(number: number): string {
  return ["UNSET", "TRACE", "DEBUG", "INFO", "WARN", "ERROR", "FATAL"][Math.ceil(number / 4)] ?? "UNSET";
}

function logRow(entry: LogEntry): HTMLTableRowElement {
  const tr = document.createElement("tr");
  tr.className = `severity-${severityName(entry.severityNumber).toLowerCase()}`;
  const cells = [
    new Date(entry.time).toLocaleString(),
    entry.severityText || severityName(entry.severityNumber),
    entry.service,
    entry.body ?? "",
  ];
  tr.append(...cells.map((text) => Object.assign(document.createElement("td"), { textContent: text })));
  const traceCell = document.createElement("td");
  if (entry.traceId) {
    traceCell.append(
      Object.assign(document.createElement("a"), {
        href: `/app/t/${tenant.id}/traces/${entry.traceId}`,
        textContent: "trace",
      }),
    );
  }
  tr.append(traceCell);
  return tr;
}

async function load(reset: boolean): Promise<void> {
  if (reset) {
    cursor = null;
    $("#rows").replaceChildren();
  }
  const form = new FormData($<HTMLFormElement>("#filters"));
  const params = new URLSearchParams();
  for (const name of ["severity", "service", "q"]) {
    const value = String(form.get(name) ?? "").trim();
    if (value) params.set(name, value);
  }
  if (cursor) params.set("cursor", cursor);
  const page = await api<{ logs: LogEntry[]; nextCursor: string | null }>(
    tenantPath(tenant.id, `/logs?${rangeQuery(currentRange())}&${params}`),
  );
  if (!page.ok) return void report(page, "");
  $("#rows").append(...page.data.logs.map(logRow));
  cursor = page.data.nextCursor;
  $("#more").hidden = cursor === null;
  $("#empty").hidden = $("#rows").children.length > 0;
}

async function start(): Promise<void> {
  const loaded = await loadTenant();
  if (!loaded) return;
  tenant = loaded;
  $("#filters").addEventListener("submit", (event) => {
    event.preventDefault();
    void load(true);
  });
  $("#severity").addEventListener("change", () => void load(true));
  $("#more").addEventListener("click", () => void load(false));
  bindRangeSelect($<HTMLSelectElement>("#range"), () => void load(true));
  await load(true);
}

void start();
