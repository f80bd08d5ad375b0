// /app/t/<tid>/metrics: pick a metric; its series (the API's 20 busiest attribute sets) share one
// chart per statistic, with a legend: the per-second rate of a counter, the value of a gauge, the
// p50/p90/p99 of a histogram, the quantiles of a summary (docs/query.md, "Metric semantics").
import { api } from "../lib/api.ts";
import type { MetricNames, MetricSeries } from "../lib/api-types.ts";
import { $ } from "../lib/dom.ts";
import { mountTenantPage, report, tenantPath, type Tenant } from "../tenancy/tenant-page.ts";
import { timeChart } from "./time-chart.ts";
import { bindRangeSelect, currentRange, rangeQuery, setUrlParams } from "./time-range.ts";

type StepPoint = MetricSeries["series"][number]["points"][number];
type Panel = { title: string; unit: string; pick: (point: StepPoint) => number | null };

let tenant: Tenant;

function describeAttributes(attributes: Record<string, unknown>): string {
  const entries = Object.entries(attributes);
  return entries.length
    ? entries.map(([key, value]) => `${key}=${String(value)}`).join(", ")
    : "(no attributes)";
}

/** UCUM units as people read them; "1" and {annotations} mean no unit. */
function readableUnit(unit: string | null): string {
  if (!unit || unit === "1") return "";
  return unit.replace(/^\{(.*)\}$/, "$1");
}

function panelsOf(result: MetricSeries): Panel[] {
  const unit = readableUnit(result.unit);
  const field = (name: string) => (point: StepPoint) => (point[name] as number | null) ?? null;
  switch (result.semantics) {
    case "rate":
      return [{ title: "Rate", unit: `${unit || "events"}/s`, pick: field("rate") }];
    case "histogram":
      return [
        ...["p50", "p90", "p99"].map((q) => ({ title: q, unit, pick: field(q) })),
        { title: "Observations per step", unit: "", pick: field("count") },
      ];
    case "summary": {
      const quantiles = new Set(
        result.series.flatMap((s) =>
          s.points.flatMap((p) => Object.keys((p.quantiles as Record<string, number>) ?? {})),
        ),
      );
      return [...quantiles].sort().map((q) => ({
        title: `Quantile ${q}`,
        unit,
        pick: (point) => (point.quantiles as Record<string, number> | null)?.[q] ?? null,
      }));
    }
    default:
      return [{ title: "Value", unit, pick: field("value") }];
  }
}

async function loadNames(): Promise<void> {
  const names = await api<MetricNames>(tenantPath(tenant.id, `/metrics?${rangeQuery(currentRange())}`));
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
  if (!name) return void $("#charts").replaceChildren();
  const range = currentRange();
  const result = await api<MetricSeries>(
    tenantPath(tenant.id, `/metrics/${encodeURIComponent(name)}?${rangeQuery(range)}`),
  );
  if (!result.ok) return void report(result, "");
  $("#truncated").hidden = !result.data.truncated;
  const times = (result.data.series[0]?.points ?? []).map((point) => Date.parse(point.time));
  $("#charts").replaceChildren();
  for (const panel of panelsOf(result.data)) {
    // In the page before drawing: the chart takes its container's width.
    const box = Object.assign(document.createElement("div"), { className: "chart-box" });
    $("#charts").append(box);
    timeChart(box, {
      title: `${name} · ${panel.title}`,
      unit: panel.unit,
      from: range.from,
      to: range.to,
      times,
      series: result.data.series.map((series) => ({
        label: describeAttributes(series.attributes),
        values: series.points.map(panel.pick),
      })),
    });
  }
}

mountTenantPage(async (loaded) => {
  tenant = loaded;
  $("#metric").addEventListener("change", () => {
    setUrlParams({ metric: $<HTMLSelectElement>("#metric").value });
    void loadSeries();
  });
  bindRangeSelect($<HTMLSelectElement>("#range"), () => void loadNames().then(loadSeries));
  await loadNames();
  await loadSeries();
});
