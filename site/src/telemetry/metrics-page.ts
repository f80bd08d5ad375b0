// /app/t/<tid>/metrics: pick a metric; one chart per attribute set (the API's 20 busiest), values
// averaged per time bucket (means for histograms and summaries).
import { api } from "../auth/api.ts";
import { $, loadTenant, report, tenantPath, type Tenant } from "../tenancy/tenant-page.ts";
import { lineChart } from "./chart.ts";
import { bindRangeSelect, currentRange, rangeQuery } from "./time-range.ts";

type MetricName = { name: string; unit: string | null; type: string };
type Series = {
  unit: string | null;
  type: string | null;
  series: { attributes: Record<string, unknown>; points: { time: string; value: number | null }[] }[];
};

let tenant: Tenant;

function describeAttributes(attributes: Record<string, unknown>): string {
  const entries = Object.entries(attributes);
  return entries.length
    ? entries.map(([key, value]) => `${key}=${String(value)}`).join(", ")
    : "(no attributes)";
}

async function loadNames(): Promise<void> {
  const names = await api<{ metrics: MetricName[] }>(
    tenantPath(tenant.id, `/metrics?${rangeQuery(currentRange())}`),
  );
  if (!names.ok) return void report(names, "");
  const select = $<HTMLSelectElement>("#metric");
  const chosen = new URLSearchParams(location.search).get("metric") ?? select.value;
  select.replaceChildren(
    ...names.data.metrics.map(
      (metric) =>
        new Option(`${metric.name} (${metric.type}${metric.unit ? `, ${metric.unit}` : ""})`, metric.name),
    ),
  );
  if (names.data.metrics.some((metric) => metric.name === chosen)) select.value = chosen;
  $("#empty").hidden = names.data.metrics.length > 0;
}

async function loadSeries(): Promise<void> {
  const name = $<HTMLSelectElement>("#metric").value;
  $("#charts").replaceChildren();
  if (!name) return;
  const range = currentRange();
  const result = await api<Series>(
    tenantPath(tenant.id, `/metrics/${encodeURIComponent(name)}?${rangeQuery(range)}`),
  );
  if (!result.ok) return void report(result, "");
  const unit = result.data.unit && result.data.unit !== "1" ? ` ${result.data.unit}` : "";
  $("#charts").append(
    ...result.data.series.map((series) => {
      const figure = document.createElement("figure");
      const label = describeAttributes(series.attributes);
      const points = series.points.flatMap((p) =>
        p.value === null ? [] : [{ time: p.time, value: p.value }],
      );
      figure.append(
        Object.assign(document.createElement("figcaption"), { textContent: label }),
        lineChart(`${name} ${label}`, points, range.from, range.to, undefined, unit),
      );
      return figure;
    }),
  );
}

async function start(): Promise<void> {
  const loaded = await loadTenant();
  if (!loaded) return;
  tenant = loaded;
  $("#metric").addEventListener("change", () => {
    const url = new URL(location.href);
    url.searchParams.set("metric", $<HTMLSelectElement>("#metric").value);
    history.replaceState(null, "", url);
    void loadSeries();
  });
  bindRangeSelect($<HTMLSelectElement>("#range"), () => void loadNames().then(loadSeries));
  await loadNames();
  await loadSeries();
}

void start();
