// Telemetry end to end on the whole stack: a user signs up in Chromium and creates a tenant and
// tokens; its first page teaches how to send data. The official OpenTelemetry exporters (Node) then
// send traces, logs and metrics, and a "page" sends RUM spans with the frontend token; the
// dashboard shows the services overview, a filtered trace list, the waterfall with a span's
// exception, the trace's logs, expandable log records, the metric charts with legend and values,
// and the Web Vitals. Screenshots of each page go to test-results/dashboards/ for review.
import { mkdirSync } from "node:fs";
import { ROOT_CONTEXT, SpanKind, SpanStatusCode, trace } from "@opentelemetry/api";
import { OTLPLogExporter } from "@opentelemetry/exporter-logs-otlp-http";
import { OTLPMetricExporter } from "@opentelemetry/exporter-metrics-otlp-proto";
import { OTLPTraceExporter } from "@opentelemetry/exporter-trace-otlp-proto";
import { resourceFromAttributes } from "@opentelemetry/resources";
import { LoggerProvider, SimpleLogRecordProcessor } from "@opentelemetry/sdk-logs";
import { MeterProvider, PeriodicExportingMetricReader } from "@opentelemetry/sdk-metrics";
import { SimpleSpanProcessor, TracerProvider } from "@opentelemetry/sdk-trace";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, inject, it, vi } from "vitest";
import { launchBrowser } from "../support/browser.ts";
import { addVirtualAuthenticator, callApiFrom, signUpWithPasskey } from "./support/passkey-user.ts";

const baseUrl = inject("baseUrl");
const SHOP = "https://shop.example";
const SHOTS = "test-results/dashboards";
const MINUTE = 60_000;
let browser: Browser;
let page: Page;
let tenantId = "";
let backend = "";
let frontend = "";
let failedTraceId = "";
/** Ten minutes around the metric export, so its step sits in the middle of the charts. */
let metricsRange = "";

const pageErrors: string[] = [];

/** A screenshot for review, once the page has thrown nothing. */
async function shoot(name: string): Promise<void> {
  expect(pageErrors).toEqual([]);
  await page.screenshot({ path: `${SHOTS}/${name}.png`, fullPage: true });
}

async function signUp(): Promise<Page> {
  // A real locale: Chromium under LANG=C reports "en-US@posix", which Intl (and so uPlot) rejects.
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: "en-GB" });
  const signedUp = await context.newPage();
  await addVirtualAuthenticator(context, signedUp);
  await signUpWithPasskey(signedUp, baseUrl, {
    email: `telemetry-${crypto.randomUUID()}@example.com`,
    name: "Tess Telemetry",
  });
  return signedUp;
}

async function sendBackendTelemetry(): Promise<void> {
  const resource = resourceFromAttributes({ "service.name": "checkout", "host.name": "web-1" });
  const headers = { Authorization: `Bearer ${backend}` };
  const tracer = new TracerProvider({
    resource,
    spanProcessors: [
      new SimpleSpanProcessor({ exporter: new OTLPTraceExporter({ url: `${baseUrl}/v1/traces`, headers }) }),
    ],
  }).getTracer("e2e");
  const logs = new LoggerProvider({
    resource,
    processors: [
      new SimpleLogRecordProcessor({ exporter: new OTLPLogExporter({ url: `${baseUrl}/v1/logs`, headers }) }),
    ],
  });
  for (const method of ["card", "voucher"]) {
    const root = tracer.startSpan("GET /checkout", {
      kind: SpanKind.SERVER,
      attributes: { "payment.method": method },
    });
    const inRoot = trace.setSpan(ROOT_CONTEXT, root);
    tracer.startSpan("SELECT orders", { attributes: { "db.system": "postgresql" } }, inRoot).end();
    if (method === "card") {
      const charge = tracer.startSpan("charge card", {}, inRoot);
      charge.recordException(new TypeError("card declined"));
      charge.setStatus({ code: SpanStatusCode.ERROR, message: "card declined" });
      logs.getLogger("e2e").emit({
        severityNumber: 17,
        severityText: "ERROR",
        body: "payment declined",
        attributes: { "order.id": "o-42" },
        context: trace.setSpan(ROOT_CONTEXT, charge),
      });
      charge.end();
      failedTraceId = root.spanContext().traceId;
    }
    root.end();
  }
  logs.getLogger("e2e").emit({ severityNumber: 9, severityText: "INFO", body: "checkout started" });
  await logs.forceFlush();
  const reader = new PeriodicExportingMetricReader({
    exporter: new OTLPMetricExporter({ url: `${baseUrl}/v1/metrics`, headers }),
    exportIntervalMillis: 3_600_000,
  });
  const meter = new MeterProvider({ resource, readers: [reader] }).getMeter("e2e");
  meter.createHistogram("checkout.duration", { unit: "ms" }).record(250, { region: "eu" });
  meter.createCounter("checkout.requests", { unit: "{request}" }).add(12, { region: "eu" });
  const exportedAt = Date.now();
  await reader.forceFlush();
  const from = Math.floor(exportedAt / MINUTE) * MINUTE - 5 * MINUTE;
  metricsRange = `from=${new Date(from).toISOString()}&to=${new Date(from + 10 * MINUTE).toISOString()}`;
}

/** What the RUM SDK sends from a page on an allowed origin: page views and Web Vitals. */
async function sendRumSpans(): Promise<void> {
  const hex = (bytes: number) => Buffer.from(crypto.getRandomValues(new Uint8Array(bytes))).toString("hex");
  const now = BigInt(Date.now()) * 1_000_000n;
  const span = (name: string, attributes: Record<string, string | number>) => ({
    traceId: hex(16),
    spanId: hex(8),
    name,
    kind: 1,
    startTimeUnixNano: String(now - 1_000_000n),
    endTimeUnixNano: String(now),
    attributes: Object.entries(attributes).map(([key, value]) => ({
      key,
      value: typeof value === "string" ? { stringValue: value } : { doubleValue: value },
    })),
  });
  const spans = [
    span("browser.page_view", { "url.path": "/pricing" }),
    ...[1800, 2600, 3900].map((value) =>
      span("browser.web_vital", {
        "url.path": "/pricing",
        "browser.web_vital.name": "LCP",
        "browser.web_vital.value": value,
      }),
    ),
    span("browser.web_vital", {
      "url.path": "/pricing",
      "browser.web_vital.name": "CLS",
      "browser.web_vital.value": 0.02,
    }),
  ];
  // A new tenant requires consent receipts (docs/ingest.md): the browser asks for one first.
  const browserHeaders = {
    Authorization: `Bearer ${frontend}`,
    "Content-Type": "application/json",
    Origin: SHOP,
  };
  const consent = await fetch(`${baseUrl}/v1/consent`, {
    method: "POST",
    headers: browserHeaders,
    body: JSON.stringify({ sessionId: crypto.randomUUID(), policyVersion: 1 }),
  });
  expect(consent.status).toBe(201);
  const { receipt } = (await consent.json()) as { receipt: string };
  const response = await fetch(`${baseUrl}/v1/traces`, {
    method: "POST",
    headers: { ...browserHeaders, "Sightline-Consent": receipt },
    body: JSON.stringify({
      resourceSpans: [
        {
          resource: { attributes: [{ key: "service.name", value: { stringValue: "shop-web" } }] },
          scopeSpans: [{ spans }],
        },
      ],
    }),
  });
  expect(response.status).toBe(200);
  expect(response.headers.get("access-control-allow-origin")).toBe(SHOP);
}

type Token = { token: string };

/**
 * Ingest is buffered (a queue, docs/ingest.md): a 200 means queued. Waits until what was sent is
 * queryable, by asking the query API (the pages below load their data once).
 */
async function waitUntilQueryable(): Promise<void> {
  const count = async (path: string, key: string) =>
    (await callApiFrom<Record<string, unknown[]>>(page, "GET", `/api/tenants/${tenantId}${path}`))[key]
      .length;
  for (const [path, key] of [
    ["/traces?service=checkout", "traces"],
    ["/traces?service=shop-web", "traces"],
    ["/logs", "logs"],
    ["/metrics", "metrics"],
  ]) {
    await vi.waitFor(
      async () => {
        if ((await count(path, key)) === 0) throw new Error(`nothing at ${path} yet`);
      },
      { timeout: 15_000, interval: 100 },
    );
  }
}

beforeAll(async () => {
  mkdirSync(SHOTS, { recursive: true });
  browser = await launchBrowser();
  page = await signUp();
  page.on("pageerror", (error) => pageErrors.push(error.message));
  await page.goto(`${baseUrl}/app`);
  await page.getByLabel("Name").fill("Telemetry E2E");
  await page.getByRole("button", { name: "Create tenant" }).click();
  await page.waitForURL(/\/app\/t\/[0-9a-f-]{36}\/services$/);
  tenantId = /\/app\/t\/([0-9a-f-]{36})\//.exec(page.url())![1];
  const tokens = `/api/tenants/${tenantId}/tokens`;
  ({ token: backend } = await callApiFrom<Token>(page, "POST", tokens, { name: "api", type: "backend" }));
  ({ token: frontend } = await callApiFrom<Token>(page, "POST", tokens, { name: "web", type: "frontend" }));
  await callApiFrom(page, "PUT", `/api/tenants/${tenantId}/origins`, { origins: [SHOP] });
});
afterAll(() => browser?.close());

describe("a new tenant", () => {
  it("opens on the services page, which shows how to send data with this site's OTLP settings", async () => {
    await page.goto(`${baseUrl}/app/t/${tenantId}/services`);
    await expect.poll(() => page.locator("#send-data").isVisible()).toBe(true);
    expect(await page.locator("#otlp-settings").textContent()).toContain(
      `OTEL_EXPORTER_OTLP_ENDPOINT=${baseUrl}`,
    );
    expect(await page.locator("#browser-snippet").textContent()).toContain(`${baseUrl}/rum/sdk.js`);
    expect(await page.locator("#send-backend").isVisible()).toBe(true);
    expect(await page.locator("#send-browser").isVisible()).toBe(true);
    await shoot("services-empty");
  });
});

describe("the telemetry dashboard", () => {
  beforeAll(async () => {
    await sendBackendTelemetry();
    await sendRumSpans();
    await waitUntilQueryable();
  });

  it("shows the services overview with rate, errors and quantiles, linking to filtered traces", async () => {
    await page.goto(`${baseUrl}/app/t/${tenantId}/services?range=1h`);
    const row = page.locator("tr.operation", { hasText: "GET /checkout" });
    await expect.poll(() => row.count()).toBe(1);
    expect(await page.locator("tr.service").allTextContents()).toEqual([expect.stringContaining("checkout")]);
    expect(await row.locator("svg.sparkline").count()).toBe(1);
    await shoot("services");
    await row.getByRole("link", { name: "GET /checkout" }).click();
    await page.waitForURL(/\/traces\?.*service=checkout/);
    await expect.poll(() => page.locator("#rows tr").count()).toBe(2);
  });

  it("filters the trace list by attribute, keeping the filter in the URL", async () => {
    await page.goto(`${baseUrl}/app/t/${tenantId}/traces?attr=payment.method:card`);
    await expect.poll(() => page.locator("#rows tr").count()).toBe(1);
    expect(await page.locator("#attributes input").first().inputValue()).toBe("payment.method:card");
    expect(await page.locator("#rows tr").first().textContent()).toContain("1 failed");
    await shoot("traces-filtered");
  });

  it("opens the waterfall from the list, marks the failed span and shows its exception and the trace's logs", async () => {
    await page.goto(`${baseUrl}/app/t/${tenantId}/traces?attr=payment.method:card`);
    // The list says where it saw the trace, so the API reads only those days (GET /traces/:id?from&to).
    const asked = page.waitForRequest(
      new RegExp(`/api/tenants/${tenantId}/traces/${failedTraceId}\\?from=.+&to=`),
    );
    await page.locator("#rows tr a").first().click();
    await page.waitForURL(new RegExp(`/traces/${failedTraceId}\\?at=`));
    await asked;
    await expect.poll(() => page.locator("#waterfall li[data-span-id]").count()).toBe(3);
    expect(await page.locator("#waterfall .tick").count()).toBe(5);
    expect(await page.locator("#waterfall li.error").count()).toBe(1);
    await page.getByRole("button", { name: "⚠ checkout · charge card" }).click();
    const detail = page.locator("#span-detail");
    await expect.poll(() => detail.textContent()).toContain("TypeError: card declined");
    expect(await detail.locator("pre.stack").textContent()).toContain("TypeError: card declined");
    expect(await detail.textContent()).toContain("host.name");
    await expect.poll(() => page.locator("#trace-logs").textContent()).toContain("payment declined");
    await shoot("trace");
    await page.getByRole("button", { name: "Fold the children of GET /checkout" }).click();
    expect(await page.locator("#waterfall li[data-span-id]:visible").count()).toBe(1);
  });

  it("expands a log record to its attributes, resource and trace, and counts severities", async () => {
    await page.goto(`${baseUrl}/app/t/${tenantId}/logs?range=1h`);
    const record = page.locator("#rows tr", { hasText: "payment declined" });
    await expect.poll(() => record.count()).toBe(1);
    await record.getByRole("button", { name: "Show the record's details" }).click();
    const detail = page.locator("#rows .log-detail");
    expect(await detail.textContent()).toContain("o-42");
    expect(await detail.textContent()).toContain("web-1");
    expect(await detail.getByRole("link").getAttribute("href")).toMatch(
      new RegExp(`/traces/${failedTraceId}\\?at=[^#]+#span=`),
    );
    const legend = await page.locator("#severity-chart .u-legend").textContent();
    expect(legend).toContain("ERROR");
    expect(legend).toContain("INFO");
    await shoot("logs");
  });

  it("charts a counter as a rate and a histogram as quantiles, with legend and hover values", async () => {
    await page.goto(`${baseUrl}/app/t/${tenantId}/metrics?metric=checkout.requests&${metricsRange}`);
    const chart = page.locator("#charts .chart-box").first();
    await expect.poll(() => chart.locator("canvas").count()).toBe(1);
    expect(await chart.locator(".u-title").textContent()).toBe("checkout.requests · Rate");
    await hoverMiddle(chart);
    // 12 requests in the one-minute step: 0.2 per second.
    await expect.poll(() => chart.locator(".u-legend").textContent()).toContain("region=eu0.2 request/s");
    await shoot("metrics-counter");
    await page.goto(`${baseUrl}/app/t/${tenantId}/metrics?metric=checkout.duration&${metricsRange}`);
    await expect.poll(() => page.locator("#charts .chart-box").count()).toBe(4);
    const p50 = page.locator("#charts .chart-box").first();
    expect(await p50.locator(".u-title").textContent()).toBe("checkout.duration · p50");
    await hoverMiddle(p50);
    // One observation of 250 ms: every quantile is 250 (clamped to the observed min and max).
    await expect.poll(() => p50.locator(".u-legend").textContent()).toContain("region=eu250 ms");
    await shoot("metrics-histogram");
  });

  it("charts the Web Vitals p75 with bands and rating shares, breaks it down, and counts the page views", async () => {
    await page.goto(`${baseUrl}/app/t/${tenantId}/vitals`);
    await expect.poll(() => page.locator("#vital-charts svg").count()).toBe(5);
    // The exact p75 of 1800 / 2600 / 3900 is 3250; the sketch answers within 2 % (3225 here).
    await expect
      .poll(() => page.locator("#vital-charts figcaption").first().textContent())
      .toMatch(/LCP p75 3\.[23]k ms/);
    expect(await page.locator("#vital-charts svg").first().locator("rect.band").count()).toBe(3);
    // LCP 1800 / 2600 / 3900: one good, two needing improvement.
    await expect
      .poll(() => page.locator("#vital-charts .distribution").first().getAttribute("aria-label"))
      .toBe("33 % good, 67 % needs improvement, 0 % poor");
    await expect.poll(() => page.locator("#vital-routes").textContent()).toContain("/pricing");
    await expect.poll(() => page.locator("#by-device").textContent()).toContain("unknown");
    await expect.poll(() => page.locator("#views-total").textContent()).toBe("1 page view");
    await shoot("vitals");
    // A route opens its drill-down (kept in the URL).
    await page.locator("#vital-routes a", { hasText: "/pricing" }).click();
    await expect.poll(() => page.locator("#route-detail").isVisible()).toBe(true);
    expect(new URL(page.url()).searchParams.get("route")).toBe("/pricing");
    await expect.poll(() => page.locator("#route-filter").textContent()).toBe("Route /pricing");
    await shoot("vitals-route");
  });
});

/** The cursor over the middle of the plot: the step the metric was exported in. */
async function hoverMiddle(chart: ReturnType<Page["locator"]>): Promise<void> {
  const box = (await chart.locator(".u-over").boundingBox())!;
  await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
}
