// The dashboard queries the scale bench times (scripts/bench/scale.ts, scale-again.ts): each
// view's API request over the ranges the dashboards ask for, and its p50/p95.
import {
  rangeQuery,
  steppedQuery,
  steppedRange,
  traceWindowQuery,
} from "../../site/src/telemetry/time-range.ts";
import { SPARKLINE_BUCKETS } from "../../worker/src/query/time-range.ts";

const SAMPLES = 20;
/** Where a kept database (BENCH_DATA_DIR) names its loaded tenant, for scale-again.ts. */
export const TENANT_FILE = "bench-tenant";
const DAY_MS = 86_400_000;
/** A route of the mix (scale-mix.ts), for the Vitals view filtered to one route. */
const ROUTE = "/docs";

export type Api = { origin: string; tenantId: string; token: string };

export async function queries(api: Api): Promise<[string, string][]> {
  const now = Date.now();
  const range = (days: number) =>
    `from=${new Date(now - days * DAY_MS).toISOString()}&to=${new Date(now).toISOString()}`;
  // The logs page's severity chart: the API's step, from a whole multiple of it.
  const severity = steppedQuery(steppedRange({ from: now - 7 * DAY_MS, to: now }));
  // The services page: from a whole sparkline step.
  const services = (days: number) =>
    `/services?${rangeQuery(steppedRange({ from: now - days * DAY_MS, to: now }, SPARKLINE_BUCKETS))}`;
  const list = await get<{ traces: { traceId: string; startTime: string }[] }>(
    api,
    `/traces?service=checkout&${range(1)}`,
  );
  // As the dashboard opens it from the list: a day either side of its start.
  const trace = list.traces[0]
    ? `${list.traces[0].traceId}?${traceWindowQuery(Date.parse(list.traces[0].startTime))}`
    : "0".repeat(32);
  return [
    ["vitals 24 h", `/rum/vitals?${range(1)}`],
    ["vitals 7 d", `/rum/vitals?${range(7)}`],
    ["vitals 30 d", `/rum/vitals?${range(30)}&step=86400`],
    ["vitals 30 d, one route", `/rum/vitals?${range(30)}&step=86400&route=${encodeURIComponent(ROUTE)}`],
    ["pages 24 h", `/rum/pages?${range(1)}`],
    ["pages 7 d", `/rum/pages?${range(7)}`],
    ["pages 30 d", `/rum/pages?${range(30)}&step=86400`],
    ["geo 24 h", `/rum/geo?${range(1)}`],
    ["geo 7 d", `/rum/geo?${range(7)}`],
    ["geo 30 d", `/rum/geo?${range(30)}`],
    ["traces list 24 h", `/traces?${range(1)}`],
    ["traces list 24 h, service filter", `/traces?service=checkout&${range(1)}`],
    ["one trace", `/traces/${trace}`],
    ["logs search 7 d", `/logs?q=declined&${range(7)}`],
    ["logs severity counts 7 d", `/logs/severity?${severity}`],
    ["metric series 7 d", `/metrics/cpu?step=3600&${range(7)}`],
    ["histogram series 7 d", `/metrics/http.duration?step=3600&${range(7)}`],
    ["delta histogram series 7 d", `/metrics/queue.wait?step=3600&${range(7)}`],
    ["metric names 7 d", `/metrics?${range(7)}`],
    ["services 24 h", services(1)],
    ["services 7 d", services(7)],
    ["services 30 d", services(30)],
    // The baseline: a range from any minute is read from the minute rows (as every range was before 0078).
    ["services 30 d, from any minute", `/services?${range(30)}`],
    // The Vitals page's drill-down into one route: attribution from its rollups, sessions from
    // rum_sessions (docs/query.md, "RUM").
    ["attribution 7 d, one route", `/rum/attribution?${range(7)}&route=${encodeURIComponent(ROUTE)}`],
    ["sessions 7 d, one route", `/rum/sessions?${range(7)}&route=${encodeURIComponent(ROUTE)}`],
  ];
}

async function get<T>(api: Api, path: string): Promise<T> {
  const response = await fetch(`${api.origin}/api/tenants/${api.tenantId}${path}`, {
    headers: { Authorization: `Bearer ${api.token}` },
  });
  if (!response.ok) throw new Error(`${path} answered ${response.status}: ${await response.text()}`);
  return response.json() as Promise<T>;
}

/** p50/p95 of SAMPLES sequential requests, after one warm-up. */
export async function latency(api: Api, path: string): Promise<{ p50: number; p95: number }> {
  await get(api, path);
  const samples: number[] = [];
  for (let i = 0; i < SAMPLES; i++) {
    const started = performance.now();
    await get(api, path);
    samples.push(performance.now() - started);
  }
  samples.sort((x, y) => x - y);
  return { p50: samples[Math.floor(SAMPLES * 0.5)], p95: samples[Math.ceil(SAMPLES * 0.95) - 1] };
}
