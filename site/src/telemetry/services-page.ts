// /app/t/<tid>/services: per service a summary row, then one row per span name with its rate,
// error rate, p50/p95/p99 and a sparkline; a name links to its traces with the same range.
import { api } from "../lib/api.ts";
import type { ServicesOverview } from "../lib/api-types.ts";
import { $ } from "../lib/dom.ts";
import { mountTenantPage, report, tenantPath, type Tenant } from "../tenancy/tenant-page.ts";
import { showSendData } from "./send-data.ts";
import { sparkline } from "./sparkline.ts";
import { formatNumber } from "./number-format.ts";
import { SPARKLINE_BUCKETS } from "../../../worker/src/query/time-range.ts";
import { bindRangeSelect, currentRange, rangeQuery, steppedRange } from "./time-range.ts";

type Overview = ServicesOverview;
type Operation = Overview["services"][number]["operations"][number];
/** The rate, errors and duration fields a service and an operation share. */
type Red = Omit<Operation, "name" | "sparkline">;

let tenant: Tenant;

const ms = (value: number | null) => (value === null ? "–" : `${formatNumber(value)} ms`);
/** Per second from one a second up, per minute below (0.0006/s reads worse than 0.03/min). */
const rate = (perSecond: number) =>
  perSecond >= 1 || perSecond === 0 ? `${formatNumber(perSecond)}/s` : `${formatNumber(perSecond * 60)}/min`;
const percent = (red: Red) => `${formatNumber(red.errorRate * 100)}% (${red.errors})`;

function tracesLink(service: string, name?: string): HTMLAnchorElement {
  const params = new URLSearchParams(location.search);
  params.delete("refresh");
  params.set("service", service);
  if (name) params.set("name", name);
  return Object.assign(document.createElement("a"), {
    href: `/app/t/${tenant.id}/traces?${params}`,
    textContent: name ?? service,
  });
}

function redRow(red: Red, label: HTMLElement, className: string, trend?: SVGSVGElement): HTMLTableRowElement {
  const tr = document.createElement("tr");
  tr.className = `${className}${red.errors ? " has-errors" : ""}`;
  const first = document.createElement(className === "service" ? "th" : "td");
  if (className === "service") first.setAttribute("scope", "row");
  first.append(label);
  const cells = [rate(red.rate), percent(red), ms(red.p50), ms(red.p95), ms(red.p99)].map((text) =>
    Object.assign(document.createElement("td"), { textContent: text }),
  );
  const last = document.createElement("td");
  if (trend) last.append(trend);
  tr.append(first, ...cells, last);
  return tr;
}

async function load(): Promise<void> {
  // From a whole step: from 24 h up the API then reads hour rollups instead of every minute.
  const range = steppedRange(currentRange(), SPARKLINE_BUCKETS);
  const result = await api<Overview>(tenantPath(tenant.id, `/services?${rangeQuery(range)}`));
  if (!result.ok) return void report(result, "");
  const { services } = result.data;
  $("#services-table").hidden = $("#services-hint").hidden = services.length === 0;
  if (services.length === 0) return void showSendData(tenant);
  $("#send-data").hidden = true;
  $("#rows").replaceChildren(
    ...services.flatMap((service) => [
      redRow(service, tracesLink(service.service), "service"),
      ...service.operations.map((op) =>
        redRow(
          op,
          tracesLink(service.service, op.name),
          "operation",
          sparkline(
            op.sparkline.requests,
            `${op.name}: ${op.count} requests, ${op.errors} errors`,
            op.sparkline.errors,
          ),
        ),
      ),
    ]),
  );
}

mountTenantPage(async (loaded) => {
  tenant = loaded;
  bindRangeSelect($<HTMLSelectElement>("#range"), () => void load());
  await load();
});
