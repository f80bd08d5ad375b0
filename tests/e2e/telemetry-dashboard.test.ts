// Telemetry end to end on the whole stack: a user signs up in Chromium and creates a tenant and
// tokens; the official OpenTelemetry exporters (Node) send traces, logs and metrics, and a "page"
// sends RUM spans with the frontend token; the dashboard then shows the traces list, the span
// waterfall, the logs, the metric chart and the Web Vitals charts.
import { resourceFromAttributes } from "@opentelemetry/resources";
import { LoggerProvider, SimpleLogRecordProcessor } from "@opentelemetry/sdk-logs";
import { SimpleSpanProcessor, TracerProvider } from "@opentelemetry/sdk-trace";
import { ROOT_CONTEXT, trace } from "@opentelemetry/api";
import { OTLPLogExporter } from "@opentelemetry/exporter-logs-otlp-http";
import { OTLPMetricExporter } from "@opentelemetry/exporter-metrics-otlp-proto";
import { OTLPTraceExporter } from "@opentelemetry/exporter-trace-otlp-proto";
import { MeterProvider, PeriodicExportingMetricReader } from "@opentelemetry/sdk-metrics";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, inject, it, vi } from "vitest";
import { launchBrowser } from "../support/browser.ts";
import { addVirtualAuthenticator, callApiFrom, signUpWithPasskey } from "./support/passkey-user.ts";

const baseUrl = inject("baseUrl");
const SHOP = "https://shop.example";
let browser: Browser;
let page: Page;
let tenantId = "";
let backend = "";
let frontend = "";

async function signUp(): Promise<Page> {
  const context = await browser.newContext();
  const signedUp = await context.newPage();
  await addVirtualAuthenticator(context, signedUp);
  await signUpWithPasskey(signedUp, baseUrl, {
    email: `telemetry-${crypto.randomUUID()}@example.com`,
    name: "Tess Telemetry",
  });
  return signedUp;
}

async function sendBackendTelemetry(): Promise<void> {
  const resource = resourceFromAttributes({ "service.name": "checkout" });
  const headers = { Authorization: `Bearer ${backend}` };
  const tracer = new TracerProvider({
    resource,
    spanProcessors: [
      new SimpleSpanProcessor({ exporter: new OTLPTraceExporter({ url: `${baseUrl}/v1/traces`, headers }) }),
    ],
  });
  const root = tracer.getTracer("e2e").startSpan("GET /checkout");
  tracer
    .getTracer("e2e")
    .startSpan(
      "SELECT orders",
      { attributes: { "db.system": "postgresql" } },
      trace.setSpan(ROOT_CONTEXT, root),
    )
    .end();
  root.end();
  await tracer.forceFlush();
  const logs = new LoggerProvider({
    resource,
    processors: [
      new SimpleLogRecordProcessor({ exporter: new OTLPLogExporter({ url: `${baseUrl}/v1/logs`, headers }) }),
    ],
  });
  logs.getLogger("e2e").emit({ severityNumber: 17, severityText: "ERROR", body: "payment declined" });
  await logs.forceFlush();
  const reader = new PeriodicExportingMetricReader({
    exporter: new OTLPMetricExporter({ url: `${baseUrl}/v1/metrics`, headers }),
    exportIntervalMillis: 3_600_000,
  });
  const meters = new MeterProvider({ resource, readers: [reader] });
  meters.getMeter("e2e").createHistogram("checkout.duration", { unit: "ms" }).record(250, { region: "eu" });
  await meters.forceFlush();
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
  const response = await fetch(`${baseUrl}/v1/traces`, {
    method: "POST",
    headers: { Authorization: `Bearer ${frontend}`, "Content-Type": "application/json", Origin: SHOP },
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
  browser = await launchBrowser();
  page = await signUp();
  await page.goto(`${baseUrl}/app`);
  await page.getByLabel("Name").fill("Telemetry E2E");
  await page.getByRole("button", { name: "Create tenant" }).click();
  await page.waitForURL(/\/app\/t\/[0-9a-f-]{36}\//);
  tenantId = /\/app\/t\/([0-9a-f-]{36})\//.exec(page.url())![1];
  const tokens = `/api/tenants/${tenantId}/tokens`;
  ({ token: backend } = await callApiFrom<Token>(page, "POST", tokens, { name: "api", type: "backend" }));
  ({ token: frontend } = await callApiFrom<Token>(page, "POST", tokens, { name: "web", type: "frontend" }));
  await callApiFrom(page, "PUT", `/api/tenants/${tenantId}/origins`, { origins: [SHOP] });
  await sendBackendTelemetry();
  await sendRumSpans();
  await waitUntilQueryable();
});
afterAll(() => browser?.close());

describe("the telemetry dashboard", () => {
  it("lists the trace sent by the official exporter and opens its span waterfall", async () => {
    await page.goto(`${baseUrl}/app/t/${tenantId}/traces`);
    await expect.poll(() => page.locator("#rows tr").count()).toBeGreaterThan(0);
    await page.getByRole("link", { name: "GET /checkout" }).click();
    await page.waitForURL(/\/traces\/[0-9a-f]{32}$/);
    await expect.poll(() => page.locator("#waterfall li").count()).toBe(2);
    await page.getByRole("button", { name: "checkout · SELECT orders" }).click();
    await expect.poll(() => page.locator("#details").textContent()).toContain("db.system");
  });

  it("shows the log record", async () => {
    await page.goto(`${baseUrl}/app/t/${tenantId}/logs`);
    await expect.poll(() => page.locator("#rows").textContent()).toContain("payment declined");
  });

  it("charts a metric sent by the official exporter", async () => {
    await page.goto(`${baseUrl}/app/t/${tenantId}/metrics`);
    await expect.poll(() => page.locator("#metric option").count()).toBe(1);
    await expect.poll(() => page.locator("#charts svg").count()).toBe(1);
    expect(await page.locator("#charts figcaption").textContent()).toBe("region=eu");
  });

  it("charts the Web Vitals p75 with bands and counts the page views", async () => {
    await page.goto(`${baseUrl}/app/t/${tenantId}/vitals`);
    await expect.poll(() => page.locator("#vital-charts svg").count()).toBe(5);
    await expect
      .poll(() => page.locator("#vital-charts figcaption").first().textContent())
      .toMatch(/LCP p75 3\.3k ms/);
    expect(await page.locator("#vital-charts svg").first().locator("rect.band").count()).toBe(3);
    await expect.poll(() => page.locator("#vital-pages").textContent()).toContain("/pricing");
    await expect.poll(() => page.locator("#views-total").textContent()).toBe("1 page view");
    if (process.env.SCREENSHOT_DIR)
      await page.screenshot({ path: `${process.env.SCREENSHOT_DIR}/vitals.png`, fullPage: true });
  });
});
