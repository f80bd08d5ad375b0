// /app/t/<tid>/traces: traces (by root span), newest first, filtered by service, status and
// minimum duration, 50 at a time.
import { api } from "../auth/api.ts";
import { $, loadTenant, report, tenantPath, type Tenant } from "../tenancy/tenant-page.ts";
import { bindRangeSelect, currentRange, rangeQuery } from "./time-range.ts";

type TraceSummary = {
  traceId: string;
  name: string;
  service: string;
  startTime: string;
  durationMs: number;
  status: "unset" | "ok" | "error";
  spanCount: number;
  errorCount: number;
};

let tenant: Tenant;
let cursor: string | null = null;

function filters(): string {
  const form = new FormData($<HTMLFormElement>("#filters"));
  const params = new URLSearchParams();
  for (const name of ["service", "status", "minDurationMs"]) {
    const value = String(form.get(name) ?? "");
    if (value) params.set(name, value);
  }
  return `${rangeQuery(currentRange())}&${params}`;
}

function traceRow(trace: TraceSummary): HTMLTableRowElement {
  const tr = document.createElement("tr");
  const link = Object.assign(document.createElement("a"), {
    href: `/app/t/${tenant.id}/traces/${trace.traceId}`,
    textContent: trace.name || "(unnamed)",
  });
  const cells = [
    new Date(trace.startTime).toLocaleString(),
    trace.service,
    `${trace.durationMs.toFixed(1)} ms`,
    String(trace.spanCount),
    trace.status === "error" ? `error (${trace.errorCount})` : trace.status,
  ];
  const nameCell = document.createElement("td");
  nameCell.append(link);
  tr.append(
    nameCell,
    ...cells.map((text) => Object.assign(document.createElement("td"), { textContent: text })),
  );
  if (trace.status === "error") tr.className = "error";
  return tr;
}

async function load(reset: boolean): Promise<void> {
  if (reset) {
    cursor = null;
    $("#rows").replaceChildren();
  }
  const page = await api<{ traces: TraceSummary[]; nextCursor: string | null }>(
    tenantPath(tenant.id, `/traces?${filters()}${cursor ? `&cursor=${cursor}` : ""}`),
  );
  if (!page.ok) return void report(page, "");
  $("#rows").append(...page.data.traces.map(traceRow));
  cursor = page.data.nextCursor;
  $("#more").hidden = cursor === null;
  $("#empty").hidden = $("#rows").children.length > 0;
}

async function loadServices(): Promise<void> {
  const services = await api<{ services: string[] }>(
    tenantPath(tenant.id, `/services?${rangeQuery(currentRange())}`),
  );
  if (!services.ok) return;
  const select = $<HTMLSelectElement>("#service");
  const chosen = select.value;
  select.replaceChildren(
    new Option("All services", ""),
    ...services.data.services.map((name) => new Option(name, name)),
  );
  select.value = chosen;
}

async function start(): Promise<void> {
  const loaded = await loadTenant();
  if (!loaded) return;
  tenant = loaded;
  $("#filters").addEventListener("change", () => void load(true));
  $("#filters").addEventListener("submit", (event) => {
    event.preventDefault();
    void load(true);
  });
  $("#more").addEventListener("click", () => void load(false));
  bindRangeSelect($<HTMLSelectElement>("#range"), () => void Promise.all([loadServices(), load(true)]));
  await Promise.all([loadServices(), load(true)]);
}

void start();
