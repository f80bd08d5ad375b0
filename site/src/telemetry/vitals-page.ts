// /app/t/<tid>/vitals: Core Web Vitals p75 over time (with good / needs-improvement / poor
// bands) and the share of each rating, p75 per route and by device class, network class and
// country, page views over time and per route, and where visitors were. A route (?route=, in the
// URL so the view can be shared) narrows the vitals to it and shows its LCP elements, INP targets
// and sessions.
import { api } from "../lib/api.ts";
import { $ } from "../lib/dom.ts";
import type {
  AttributionReport,
  GeoReport,
  PagesReport,
  RouteSessions,
  VitalsReport,
} from "../lib/api-types.ts";
import { mountTenantPage, report, tenantPath, type Tenant } from "../tenancy/tenant-page.ts";
import { barChart, formatValue, lineChart } from "./chart.ts";
import { bindRangeSelect, currentRange, rangeQuery, setUrlParams } from "./time-range.ts";

const VITALS = ["LCP", "INP", "CLS", "FCP", "TTFB"] as const;
type Vital = (typeof VITALS)[number];
type ByVital = VitalsReport["overall"];
type Summary = NonNullable<ByVital[Vital]>;

let tenant: Tenant;

const plural = (count: number, noun: string) => `${count} ${noun}${count === 1 ? "" : "s"}`;
const percent = (share: number) => `${Math.round(share * 100)} %`;
const selectedRoute = () => new URLSearchParams(location.search).get("route") ?? "";

const cell = (text: string, className = "") =>
  Object.assign(document.createElement("td"), { textContent: text, className });
const unitOf = (report: VitalsReport, vital: Vital) => (report.thresholds[vital].unit === "ms" ? " ms" : "");

/** Good / needs improvement / poor as a stacked bar with its shares written out. */
function distributionBar(summary: Summary): HTMLElement {
  const bar = Object.assign(document.createElement("div"), { className: "distribution" });
  const { good, needsImprovement, poor } = summary.distribution;
  for (const [className, share, label] of [
    ["good", good, "good"],
    ["ni", needsImprovement, "needs improvement"],
    ["poor", poor, "poor"],
  ] as const) {
    const part = Object.assign(document.createElement("span"), {
      className,
      textContent: share >= 0.08 ? percent(share) : "",
      title: `${label}: ${percent(share)}`,
    });
    part.style.width = `${share * 100}%`;
    bar.append(part);
  }
  bar.setAttribute(
    "aria-label",
    `${percent(good)} good, ${percent(needsImprovement)} needs improvement, ${percent(poor)} poor`,
  );
  return bar;
}

function vitalCells(report: VitalsReport, vitals: ByVital): HTMLTableCellElement[] {
  return VITALS.map((vital) => {
    const summary = vitals[vital];
    return summary ? cell(`${formatValue(summary.p75)}${unitOf(report, vital)}`, summary.rating) : cell("—");
  });
}

function routeLink(route: string): HTMLElement {
  const link = Object.assign(document.createElement("a"), {
    href: `?route=${encodeURIComponent(route)}`,
    textContent: route,
  });
  link.addEventListener("click", (event) => {
    event.preventDefault();
    setUrlParams({ route });
    void load();
  });
  return link;
}

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
      figure.append(caption);
      if (overall) figure.append(distributionBar(overall));
      figure.append(
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
  $("#vital-routes").replaceChildren(
    ...report.routes.map((entry) => {
      const tr = document.createElement("tr");
      const name = document.createElement("td");
      name.append(routeLink(entry.route));
      tr.append(name, cell(String(entry.samples)), ...vitalCells(report, entry.vitals));
      return tr;
    }),
  );
  for (const dimension of ["device", "network", "country"] as const) {
    $(`#by-${dimension}`).replaceChildren(
      ...report.breakdowns[dimension].map((entry) => {
        const tr = document.createElement("tr");
        tr.append(cell(entry.value), cell(String(entry.samples)), ...vitalCells(report, entry.vitals));
        return tr;
      }),
    );
  }
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
  $("#views-routes").replaceChildren(
    ...pages.routes.map((entry) => {
      const tr = document.createElement("tr");
      const name = document.createElement("td");
      name.append(routeLink(entry.route));
      tr.append(name, cell(String(entry.views)));
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

function renderRoute(route: string, attribution: AttributionReport, sessions: RouteSessions): void {
  $("#route-detail").hidden = false;
  $("#route-name").textContent = route;
  for (const vital of ["LCP", "INP"] as const) {
    $(`#targets-${vital}`).replaceChildren(
      ...attribution[vital].map((target) => {
        const tr = document.createElement("tr");
        tr.append(
          cell(target.target),
          cell(String(target.samples)),
          cell(`${formatValue(target.p75)} ms`, target.rating),
        );
        return tr;
      }),
    );
  }
  $("#route-sessions").replaceChildren(
    ...sessions.sessions.map((session) => {
      const tr = document.createElement("tr");
      tr.append(
        cell(session.sessionId),
        cell(new Date(session.start).toLocaleString()),
        cell(String(session.pageViews)),
        cell(String(session.vitals)),
        cell(String(session.poorVitals), session.poorVitals > 0 ? "poor" : ""),
      );
      return tr;
    }),
  );
}

async function load(): Promise<void> {
  const range = currentRange();
  const query = rangeQuery(range);
  const route = selectedRoute();
  const routeQuery = route ? `&route=${encodeURIComponent(route)}` : "";
  const [vitals, pages, geo] = await Promise.all([
    api<VitalsReport>(tenantPath(tenant.id, `/rum/vitals?${query}${routeQuery}`)),
    api<PagesReport>(tenantPath(tenant.id, `/rum/pages?${query}`)),
    api<GeoReport>(tenantPath(tenant.id, `/rum/geo?${query}`)),
  ]);
  if (!vitals.ok) return void report(vitals, "");
  if (!pages.ok) return void report(pages, "");
  if (!geo.ok) return void report(geo, "");
  $("#route-filter").textContent = route ? `Route ${route}` : "All routes";
  $("#route-clear").hidden = !route;
  renderVitals(vitals.data, range.from, range.to);
  renderPages(pages.data, range.from, range.to);
  renderGeo(geo.data);
  if (!route) {
    $("#route-detail").hidden = true;
    return;
  }
  const [attribution, sessions] = await Promise.all([
    api<AttributionReport>(tenantPath(tenant.id, `/rum/attribution?${query}${routeQuery}`)),
    api<RouteSessions>(tenantPath(tenant.id, `/rum/sessions?${query}${routeQuery}`)),
  ]);
  if (!attribution.ok) return void report(attribution, "");
  if (!sessions.ok) return void report(sessions, "");
  renderRoute(route, attribution.data, sessions.data);
}

mountTenantPage(async (loaded) => {
  tenant = loaded;
  bindRangeSelect($<HTMLSelectElement>("#range"), () => void load());
  $("#route-clear").addEventListener("click", () => {
    setUrlParams({ route: undefined });
    void load();
  });
  await load();
});
