// /app/t/<tid>/traces: traces (by root span), newest first, filtered by service, span name,
// status, duration and span attributes (attr=key:value, AND), 50 at a time. The filters live in
// the URL: a link from the services overview opens a filtered list, and a view can be shared.
import { api } from "../lib/api.ts";
import type { ServicesOverview, TracesPage } from "../lib/api-types.ts";
import { $, formParams } from "../lib/dom.ts";
import { mountTenantPage, report, tenantPath, type Tenant } from "../tenancy/tenant-page.ts";
import { bindRangeSelect, currentRange, rangeQuery, setUrlParams } from "./time-range.ts";

type TraceSummary = TracesPage["traces"][number];

const FIELDS = ["service", "name", "status", "minDurationMs", "maxDurationMs"] as const;

let tenant: Tenant;
let cursor: string | null = null;

function filterParams(): URLSearchParams {
  const form = $<HTMLFormElement>("#filters");
  const params = formParams(form, FIELDS);
  for (const attr of new FormData(form).getAll("attr"))
    if (String(attr).trim()) params.append("attr", String(attr).trim());
  return params;
}

/** An empty attribute input (a new one when all are filled), set to `value`. */
function addAttributeInput(value = ""): HTMLInputElement {
  const inputs = [...document.querySelectorAll<HTMLInputElement>("#attributes input[name=attr]")];
  let input = inputs.find((candidate) => !candidate.value);
  if (!input) {
    input = inputs[0].cloneNode() as HTMLInputElement;
    input.setAttribute("aria-label", `Attribute filter ${inputs.length + 1}`);
    $("#add-attr").before(input);
  }
  input.value = value;
  return input;
}

/** The URL's filters into the form (on load). */
function fillForm(): void {
  const params = new URLSearchParams(location.search);
  const form = $<HTMLFormElement>("#filters");
  for (const name of FIELDS) {
    const field = form.elements.namedItem(name) as HTMLInputElement | HTMLSelectElement | null;
    if (field) field.value = params.get(name) ?? "";
  }
  for (const attr of params.getAll("attr")) addAttributeInput(attr);
}

function traceRow(trace: TraceSummary): HTMLTableRowElement {
  const tr = document.createElement("tr");
  const link = Object.assign(document.createElement("a"), {
    href: `/app/t/${tenant.id}/traces/${trace.traceId}?at=${trace.startTime}`,
    textContent: trace.name || "(unnamed)",
  });
  const cells = [
    new Date(trace.startTime).toLocaleString(),
    trace.service,
    `${trace.durationMs.toFixed(1)} ms`,
    String(trace.spanCount),
    // A trace fails when any span does, whatever its root says.
    trace.errorCount ? `${trace.status} · ${trace.errorCount} failed` : trace.status,
  ];
  const nameCell = document.createElement("td");
  nameCell.append(link);
  tr.append(
    nameCell,
    ...cells.map((text) => Object.assign(document.createElement("td"), { textContent: text })),
  );
  if (trace.errorCount) tr.className = "error";
  return tr;
}

async function load(reset: boolean): Promise<void> {
  const params = filterParams();
  if (reset) {
    cursor = null;
    $("#rows").replaceChildren();
    setUrlParams({
      ...Object.fromEntries(FIELDS.map((name) => [name, params.get(name) ?? undefined])),
      attr: params.getAll("attr"),
    });
  }
  if (cursor) params.set("cursor", cursor);
  const page = await api<TracesPage>(
    tenantPath(tenant.id, `/traces?${rangeQuery(currentRange())}&${params}`),
  );
  if (!page.ok) return void report(page, "");
  $("#rows").append(...page.data.traces.map(traceRow));
  cursor = page.data.nextCursor;
  $("#more").hidden = cursor === null;
  $("#empty").hidden = $("#rows").children.length > 0;
}

async function loadServices(): Promise<void> {
  const overview = await api<ServicesOverview>(
    tenantPath(tenant.id, `/services?${rangeQuery(currentRange())}`),
  );
  if (!overview.ok) return;
  $("#services").replaceChildren(
    ...overview.data.services.map(({ service }) => new Option(service, service)),
  );
}

mountTenantPage(async (loaded) => {
  tenant = loaded;
  fillForm();
  $("#filters").addEventListener("change", (event) => {
    if ((event.target as HTMLElement).closest("#range-custom, #range, #refresh, #attributes")) return;
    void load(true);
  });
  $("#filters").addEventListener("submit", (event) => {
    event.preventDefault();
    void load(true);
  });
  $("#add-attr").addEventListener("click", () => addAttributeInput().focus());
  $("#more").addEventListener("click", () => void load(false));
  bindRangeSelect($<HTMLSelectElement>("#range"), () => void Promise.all([loadServices(), load(true)]));
  await Promise.all([loadServices(), load(true)]);
});
