// /app/t/<tid>/vitals: Core Web Vitals p75 over time (with good / needs-improvement / poor
// bands), p75 per page, page views over time and per page, and where visitors were.
import { api } from "../lib/api.ts";
import { $ } from "../lib/dom.ts";
import { loadTenant, report, tenantPath, type Tenant } from "../tenancy/tenant-page.ts";
import { barChart, formatValue, lineChart } from "./chart.ts";
import { bindRangeSelect, currentRange, rangeQuery } from "./time-range.ts";

const VITALS = ["LCP", "INP", "CLS", "FCP", "TTFB"] as const;
type Vital = (typeof VITALS)[number];
type Summary = { p75: number; samples: number; rating: string };
type VitalsReport = {
  stepSeconds: number;
  thresholds: Record<Vital, { good: number; poor: number; unit: "ms" | "score" }>;
  overall: Partial<Record<Vital, Summary>>;
  series: Partial<Record<Vital, { time: string; p75: number }[]>>;
  pages: { path: string; samples: number; vitals: Partial<Record<Vital, Summary>> }[];
};
type PagesReport = {
  stepSeconds: number;
  total: number;
  pages: { path: string; views: number }[];
  series: { time: string; views: number }[];
};
type GeoReport = {
  countries: { country: string; views: number }[];
  colos: { colo: string; views: number }[];
};

let tenant: Tenant;

const plural = (count: number, noun: string) => `${count} ${noun}${count === 1 ? "" : "s"}`;

const cell = (text: string, className = "") =>
  Object.assign(document.createElement("td"), { textContent: text, className });
const unitOf = (report: VitalsReport, vital: Vital) => (report.thresholds[vital].unit === "ms" ? " ms" : "");

function renderVitals(report: VitalsReport, from: number, to: number): void {
  $("#vital-charts").replaceChildren(
    ...VITALS.map((vital) => {
      const figure = document.createElement("figure");
      const overall = report.overall[vital];
      const caption = Object.assign(document.createElement("figcaption"), {
        textContent: overall
          ? `${vital} p75 ${formatValue(overall.p75)}${unitOf(report, vital)} (${overall.rating}, ${plural(overall.samples, "sample")})`
          : `${vital}: no data`,
      });
      const points = (report.series[vital] ?? []).map((p) => ({ time: p.time, value: p.p75 }));
      figure.append(
        caption,
        lineChart(
          `${vital} p75 over time`,
          points,
          from,
          to,
          report.thresholds[vital],
          unitOf(report, vital),
        ),
      );
      return figure;
    }),
  );
  $("#vital-pages").replaceChildren(
    ...report.pages.map((page) => {
      const tr = document.createElement("tr");
      tr.append(cell(page.path), cell(String(page.samples)));
      for (const vital of VITALS) {
        const summary = page.vitals[vital];
        tr.append(
          summary ? cell(`${formatValue(summary.p75)}${unitOf(report, vital)}`, summary.rating) : cell("—"),
        );
      }
      return tr;
    }),
  );
}

function renderPages(pages: PagesReport, from: number, to: number): void {
  $("#views-total").textContent = plural(pages.total, "page view");
  $("#views-chart").replaceChildren(
    barChart(
      "Page views over time",
      pages.series.map((p) => ({ time: p.time, value: p.views })),
      from,
      to,
      pages.stepSeconds * 1000,
    ),
  );
  $("#views-pages").replaceChildren(
    ...pages.pages.map((page) => {
      const tr = document.createElement("tr");
      tr.append(cell(page.path), cell(String(page.views)));
      return tr;
    }),
  );
}

function renderGeo(geo: GeoReport): void {
  const list = (items: { label: string; views: number }[]) =>
    items.map((item) =>
      Object.assign(document.createElement("li"), { textContent: `${item.label} — ${item.views}` }),
    );
  $("#countries").replaceChildren(...list(geo.countries.map((c) => ({ label: c.country, views: c.views }))));
  $("#colos").replaceChildren(...list(geo.colos.map((c) => ({ label: c.colo, views: c.views }))));
}

async function load(): Promise<void> {
  const range = currentRange();
  const query = rangeQuery(range);
  const [vitals, pages, geo] = await Promise.all([
    api<VitalsReport>(tenantPath(tenant.id, `/rum/vitals?${query}`)),
    api<PagesReport>(tenantPath(tenant.id, `/rum/pages?${query}`)),
    api<GeoReport>(tenantPath(tenant.id, `/rum/geo?${query}`)),
  ]);
  if (!vitals.ok) return void report(vitals, "");
  if (!pages.ok) return void report(pages, "");
  if (!geo.ok) return void report(geo, "");
  renderVitals(vitals.data, range.from, range.to);
  renderPages(pages.data, range.from, range.to);
  renderGeo(geo.data);
}

async function start(): Promise<void> {
  const loaded = await loadTenant();
  if (!loaded) return;
  tenant = loaded;
  bindRangeSelect($<HTMLSelectElement>("#range"), () => void load());
  await load();
}

void start();
