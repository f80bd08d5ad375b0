// /app/t/<tid>/logs: severity counts over the range, then the records newest first, by minimum
// severity, service, text and trace (all kept in the URL); each record expands to its detail.
import { api } from "../lib/api.ts";
import type { LogsPage, SeverityCounts } from "../lib/api-types.ts";
import { $, formParams } from "../lib/dom.ts";
import { mountTenantPage, report, tenantPath, type Tenant } from "../tenancy/tenant-page.ts";
import { logRows } from "./log-records.ts";
import { timeChart } from "./time-chart.ts";
import {
  bindRangeSelect,
  currentRange,
  rangeQuery,
  setUrlParams,
  steppedQuery,
  steppedRange,
} from "./time-range.ts";

const FIELDS = ["severity", "service", "q", "traceId"] as const;
const CLASSES = ["fatal", "error", "warn", "info", "debug", "trace"] as const;
const COLOURS = {
  fatal: "#7f1d1d",
  error: "#c0262d",
  warn: "#d68a00",
  info: "#1f5fbf",
  debug: "#6b7280",
  trace: "#a3a3a3",
};

let tenant: Tenant;
let cursor: string | null = null;

const filterParams = () => formParams($<HTMLFormElement>("#filters"), FIELDS);

async function loadCounts(params: URLSearchParams): Promise<void> {
  const range = steppedRange(currentRange());
  const counts = await api<SeverityCounts>(
    tenantPath(tenant.id, `/logs/severity?${steppedQuery(range)}&${params}`),
  );
  if (!counts.ok) return;
  const steps = counts.data.steps;
  const present = CLASSES.filter((name) => steps.some((step) => step[name] > 0));
  timeChart($("#severity-chart"), {
    title: "Records per step by severity",
    unit: "",
    from: range.from,
    to: range.to,
    bars: true,
    times: steps.map((step) => Date.parse(step.time)),
    // Stacked: each bar reaches the total of its class and the less severe ones; drawn most severe
    // first, so the less severe bars sit on top of it. The legend shows each class's own count.
    series: present.map((name, i) => ({
      label: name.toUpperCase(),
      colour: COLOURS[name],
      values: steps.map((step) => present.slice(i).reduce((sum, other) => sum + step[other], 0)),
      shown: steps.map((step) => step[name]),
    })),
  });
}

async function load(reset: boolean): Promise<void> {
  const params = filterParams();
  if (reset) {
    cursor = null;
    $("#rows").replaceChildren();
    setUrlParams(Object.fromEntries(FIELDS.map((name) => [name, params.get(name) ?? undefined])));
    void loadCounts(params);
  }
  if (cursor) params.set("cursor", cursor);
  const page = await api<LogsPage>(tenantPath(tenant.id, `/logs?${rangeQuery(currentRange())}&${params}`));
  if (!page.ok) return void report(page, "");
  $("#rows").append(...logRows(page.data.logs, tenant.id));
  cursor = page.data.nextCursor;
  $("#more").hidden = cursor === null;
  $("#empty").hidden = $("#rows").children.length > 0;
}

mountTenantPage(async (loaded) => {
  tenant = loaded;
  const params = new URLSearchParams(location.search);
  const form = $<HTMLFormElement>("#filters");
  for (const name of FIELDS) {
    const field = form.elements.namedItem(name) as HTMLInputElement | HTMLSelectElement | null;
    if (field) field.value = params.get(name) ?? "";
  }
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    void load(true);
  });
  $("#severity").addEventListener("change", () => void load(true));
  $("#more").addEventListener("click", () => void load(false));
  bindRangeSelect($<HTMLSelectElement>("#range"), () => void load(true));
  await load(true);
});
