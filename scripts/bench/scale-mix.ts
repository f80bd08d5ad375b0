// The telemetry `npm run bench:scale` loads: OTLP/JSON requests of 1,000 spans in a realistic mix,
// spread over the last 30 days. Per 1,000 spans: 50 browser sessions (RUM-shaped spans, as a
// collector forwarding browser telemetry sends them, each session its own resource with a
// `session.id`) of two page views a few minutes apart, each view with its five Web Vitals (LCP
// and INP with their element or target) and a resource timing: 700 spans; and 30 backend traces
// of 10 spans. Every 10th span request is followed by a log request (100 records) and a metrics
// request (100 gauge points and 20 points of a cumulative histogram), which are not counted as
// spans.
const DAY_MS = 86_400_000;
const PATHS = ["/", "/pricing", "/docs", "/blog/:id", "/app/t/:id/traces", "/signin"];
const VITALS: [string, number][] = [
  ["LCP", 2500],
  ["FCP", 1500],
  ["CLS", 0.1],
  ["INP", 150],
  ["TTFB", 600],
];
const COUNTRIES = ["DE", "US", "FR", "GB", "JP", "BR", "IN"];
/** The LCP elements and INP targets a site's pages have (the SDK's `browser.web_vital.target`). */
const TARGETS: Record<string, string[]> = {
  LCP: ["img.hero", "h1", "main > p", "img.product", "video.intro"],
  INP: ["button#buy", "a.nav", "input#search", "button.menu", "form > button", "li.tab"],
};
const SERVICES = ["checkout", "search", "accounts"];

const hex = (bytes: number) =>
  Array.from(crypto.getRandomValues(new Uint8Array(bytes)), (b) => b.toString(16).padStart(2, "0")).join("");
const pick = <T>(items: readonly T[]) => items[Math.floor(Math.random() * items.length)];
const value = (v: string | number) =>
  typeof v === "string" ? { stringValue: v } : Number.isInteger(v) ? { intValue: v } : { doubleValue: v };
const attributes = (entries: Record<string, string | number>) =>
  Object.entries(entries).map(([key, v]) => ({ key, value: value(v) }));
const nanos = (ms: number) => (BigInt(Math.round(ms)) * 1_000_000n).toString();

/** A time in the last `spread` ms (the bench's 30 days unless told), never in the future. */
const someTime = (now: number, spread = 30 * DAY_MS) => now - Math.random() * spread;

function span(name: string, start: number, ms: number, extra: Record<string, string | number>, ids = {}) {
  return {
    traceId: hex(16),
    spanId: hex(8),
    name,
    kind: 1,
    startTimeUnixNano: nanos(start),
    endTimeUnixNano: nanos(start + ms),
    attributes: attributes(extra),
    ...ids,
  };
}

/** One page view of a session at `at`: the view, its five vitals within seconds, a resource. */
function pageView(at: number, path: string, country: string) {
  const attrs = { "url.path": path, "cloud.region": country };
  const vitals = VITALS.map(([vital, typical]) => {
    const measured = typical * Math.exp((Math.random() - 0.5) * 1.6);
    return span("browser.web_vital", at + Math.random() * 5_000, 1, {
      ...attrs,
      "browser.web_vital.name": vital,
      "browser.web_vital.value": vital === "CLS" ? measured : Math.round(measured) + 0.5,
      ...(TARGETS[vital] ? { "browser.web_vital.target": pick(TARGETS[vital]) } : {}),
    });
  });
  const viewed = { ...attrs, "cloudflare.colo": "FRA" };
  return [
    span("browser.page_view", at, 1, viewed),
    span("browser.resource", at + 200, 40, { ...viewed, "browser.resource.type": "script" }),
    ...vitals,
  ];
}

/** The RUM resources of one request: 50 sessions, each two page views 1–5 minutes apart. */
function rumResources(now: number, spread: number) {
  return Array.from({ length: 50 }, () => {
    // Six minutes before `now` at the latest, so that the session's last vital is not in the future.
    const start = someTime(now - 6 * 60_000, spread - 6 * 60_000);
    const country = pick(COUNTRIES);
    const second = start + 60_000 + Math.random() * 240_000;
    const spans = [...pageView(start, pick(PATHS), country), ...pageView(second, pick(PATHS), country)];
    return {
      resource: { attributes: attributes({ "service.name": "site-web", "session.id": crypto.randomUUID() }) },
      scopeSpans: [{ spans }],
    };
  });
}

function backendTrace(now: number, spread: number) {
  const traceId = hex(16);
  const start = someTime(now, spread);
  const root = span("GET /checkout", start, 120, { "http.route": "/checkout" }, { traceId });
  const children = Array.from({ length: 9 }, (_, i) =>
    span(
      i % 2 ? "SELECT orders" : "redis GET",
      start + i * 10,
      8,
      { "db.system": "postgresql" },
      {
        traceId,
        parentSpanId: root.spanId,
      },
    ),
  );
  return [root, ...children];
}

/** One 1,000-span traces request, its times spread over the `spread` ms before `now`. */
export function spanRequest(now: number, spread = 30 * DAY_MS): string {
  const backend = Array.from({ length: 30 }, () => backendTrace(now, spread)).flat();
  return JSON.stringify({
    resourceSpans: [
      ...rumResources(now, spread),
      {
        resource: { attributes: attributes({ "service.name": pick(SERVICES) }) },
        scopeSpans: [{ spans: backend }],
      },
    ],
  });
}

export function logRequest(now: number): string {
  const logRecords = Array.from({ length: 100 }, (_, i) => ({
    timeUnixNano: nanos(someTime(now)),
    severityNumber: i % 10 === 0 ? 17 : 9,
    body: { stringValue: i % 10 === 0 ? `payment declined ${hex(4)}` : `request served ${hex(4)}` },
  }));
  return JSON.stringify({
    resourceLogs: [
      { resource: { attributes: attributes({ "service.name": "checkout" }) }, scopeLogs: [{ logRecords }] },
    ],
  });
}

/** The histogram's start time: one per bench process, so its streams never reset. */
const HISTOGRAM_START = Date.now() - 31 * DAY_MS;

/**
 * A cumulative latency histogram at time `t`, as a function of `t` alone: its counts grow with time
 * (one observation a second, bounds 10 and 100), so points sent at random times in any order are
 * one valid cumulative stream.
 */
function histogramPoint(t: number, region: string) {
  const elapsed = t - HISTOGRAM_START;
  const buckets = [2000, 3000, 6000].map((every) => Math.floor(elapsed / every));
  return {
    startTimeUnixNano: nanos(HISTOGRAM_START),
    timeUnixNano: nanos(t),
    count: String(buckets.reduce((sum, n) => sum + n, 0)),
    sum: elapsed / 20,
    bucketCounts: buckets.map(String),
    explicitBounds: [10, 100],
    attributes: attributes({ region }),
  };
}

/** A delta histogram's point: the observations of the interval ending at `t` (bounds 1, 10, 100). */
function deltaHistogramPoint(t: number, region: string) {
  const buckets = Array.from({ length: 4 }, () => Math.floor(Math.random() * 10));
  return {
    startTimeUnixNano: nanos(t - 10_000),
    timeUnixNano: nanos(t),
    count: String(buckets.reduce((sum, n) => sum + n, 0)),
    sum: buckets[1] * 5 + buckets[2] * 50 + buckets[3] * 200,
    bucketCounts: buckets.map(String),
    explicitBounds: [1, 10, 100],
    attributes: attributes({ region }),
  };
}

export function metricRequest(now: number): string {
  const dataPoints = Array.from({ length: 100 }, () => ({
    timeUnixNano: nanos(someTime(now)),
    asDouble: Math.random(),
    attributes: attributes({ region: pick(["eu", "us"]) }),
  }));
  const histogram = Array.from({ length: 20 }, () => histogramPoint(someTime(now), pick(["eu", "us"])));
  const deltas = Array.from({ length: 20 }, () => deltaHistogramPoint(someTime(now), pick(["eu", "us"])));
  return JSON.stringify({
    resourceMetrics: [
      {
        resource: { attributes: attributes({ "service.name": "checkout" }) },
        scopeMetrics: [
          {
            metrics: [
              { name: "cpu", unit: "1", gauge: { dataPoints } },
              {
                name: "http.duration",
                unit: "ms",
                histogram: { aggregationTemporality: 2, dataPoints: histogram },
              },
              {
                name: "queue.wait",
                unit: "ms",
                histogram: { aggregationTemporality: 1, dataPoints: deltas },
              },
            ],
          },
        ],
      },
    ],
  });
}
