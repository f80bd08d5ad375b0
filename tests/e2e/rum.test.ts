// The RUM SDK in a real Chromium after "Accept all": what it sends, when, and that withdrawal is
// immediate (SECURITY.md J.44). The collector fixture stands in for the ingest endpoint.
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import type { Browser, Page } from "playwright-core";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { rumAttributeNames } from "../../rum-sdk/src/attribute-catalog.ts";
import { launchBrowser } from "../support/browser.ts";
import { settle, storedState, waitUntil, watchedPage, type Watched } from "./rum-browser-watch.ts";
import { TEST_TOKEN, spansOf, startCollector, type Collector } from "./rum-collector.ts";

let browser: Browser;
let site: Collector;
let watched: Watched | undefined;

beforeAll(async () => {
  [browser, site] = await Promise.all([launchBrowser(), startCollector()]);
});
afterEach(async () => {
  await watched?.context.close();
  watched = undefined;
  site.exports.length = 0;
  site.answer = { status: 200 };
  site.pages.clear();
});
afterAll(async () => {
  await browser?.close();
  await site?.close();
});

async function acceptOn(path: string): Promise<Page> {
  watched = await watchedPage(browser);
  const { page } = watched;
  await page.goto(`${site.origin}${path}`);
  const loaded = page.waitForResponse((response) => response.url().endsWith("/rum/sdk.js"));
  await page.getByRole("button", { name: "Accept all" }).click();
  await loaded;
  // The SDK starts once its module has been evaluated.
  await page.waitForFunction(() => sessionStorage.getItem("sightline-rum-session") !== null);
  return page;
}

/** Runs a navigation and waits until the SDK has started on the new page (one more page view). */
async function measuredNavigation(page: Page, navigate: () => Promise<unknown>): Promise<void> {
  const pagesSoFar = () => JSON.parse(sessionStorage.getItem("sightline-rum-session") ?? "{}").pages ?? 0;
  const before: number = await page.evaluate(pagesSoFar);
  await navigate();
  await page.waitForFunction(
    (count) => (JSON.parse(sessionStorage.getItem("sightline-rum-session") ?? "{}").pages ?? 0) > count,
    before,
  );
}

const spans = () => spansOf(site.exports);
const spansNamed = (name: string) => spans().filter((span) => span.name === name);

describe("after Accept all", () => {
  it("sends page views, resources and vitals with the listed attributes and none of the forbidden ones", async () => {
    const page = await acceptOn("/pricing/?q=secret-search#private-fragment");
    await measuredNavigation(page, () => page.getByRole("link", { name: "Features" }).click());
    await page.goto(`${site.origin}/`);
    await waitUntil(() => spansNamed("browser.page_view").length >= 2);

    const allowed = rumAttributeNames();
    for (const span of spans())
      for (const key of Object.keys(span.attributes)) expect(allowed, key).toContain(key);
    const raw = JSON.stringify(site.exports.map((request) => request.body));
    for (const secret of ["secret-search", "private-fragment", "?q=", "127.0.0.1", "stack"])
      expect(raw).not.toContain(secret);

    const [first, second] = spansNamed("browser.page_view");
    expect(first!.attributes).toMatchObject({
      "url.path": "/pricing/",
      "browser.page.title": "Pricing — Sightline",
      "browser.page.sequence": 1,
      "service.name": "sightline-site",
      "user_agent.original": expect.stringContaining("Chrome"),
      "browser.language": expect.any(String),
      "browser.platform": expect.any(String),
      "browser.mobile": false,
      "browser.screen.width": expect.any(Number),
      "browser.screen.height": expect.any(Number),
      "browser.viewport.width": expect.any(Number),
      "browser.viewport.height": expect.any(Number),
      "browser.device_pixel_ratio": expect.any(Number),
      "network.connection.effective_type": expect.stringMatching(/^(slow-2g|2g|3g|4g)$/),
    });
    expect(first!.attributes["session.id"]).toMatch(/^[0-9a-f-]{36}$/);
    expect(second!.attributes).toMatchObject({
      "url.path": "/features",
      "browser.page.sequence": 2,
      "browser.page.previous_path": "/pricing/",
      "browser.page.referrer_path": "/pricing/",
      "session.id": first!.attributes["session.id"],
    });
    expect(spansNamed("browser.resource").map((span) => span.attributes)).toContainEqual(
      expect.objectContaining({
        "browser.resource.path": "/rum/sdk.js",
        "browser.resource.type": "script",
        "http.response.body.size": expect.any(Number),
        "browser.resource.duration": expect.any(Number),
      }),
    );
    const vitals = spansNamed("browser.web_vital").map((span) => span.attributes["browser.web_vital.name"]);
    expect(vitals).toEqual(expect.arrayContaining(["FCP", "TTFB", "LCP", "CLS"]));
    for (const request of site.exports) {
      expect(request.headers.authorization).toBe(`Bearer ${TEST_TOKEN}`);
      expect(request.headers.cookie).toBeUndefined();
    }
  });

  it("records clicks on the Sign-up and Demo calls to action, and no other click", async () => {
    const page = await acceptOn("/");
    await measuredNavigation(page, () => page.getByRole("link", { name: "Pricing" }).click());
    await measuredNavigation(page, () => page.getByRole("link", { name: "Sightline", exact: true }).click());
    await measuredNavigation(page, () => page.getByRole("link", { name: "See the demo" }).click());
    await page.goBack();
    await page.getByRole("link", { name: "Sign up free" }).click();
    await page.waitForURL(/signup/);
    await waitUntil(() => spansNamed("browser.cta_click").length >= 2);
    await settle(500);
    expect(spansNamed("browser.cta_click").map((span) => span.attributes)).toEqual([
      expect.objectContaining({ "browser.cta.name": "demo", "url.path": "/" }),
      expect.objectContaining({ "browser.cta.name": "signup", "url.path": "/" }),
    ]);
  });

  it("sends LCP, CLS and INP (with the target's selector) once the page is hidden", async () => {
    const page = await acceptOn("/");
    await page.getByRole("heading", { level: 1 }).click();
    await page.keyboard.press("Tab");
    await settle(300);
    expect(
      spansNamed("browser.web_vital").map((span) => span.attributes["browser.web_vital.name"]),
    ).not.toContain("INP");
    await page.goto(`${site.origin}/pricing/`);
    await waitUntil(() =>
      spansNamed("browser.web_vital").some((span) => span.attributes["browser.web_vital.name"] === "INP"),
    );
    const byName = Object.fromEntries(
      spansNamed("browser.web_vital").map((span) => [
        span.attributes["browser.web_vital.name"],
        span.attributes,
      ]),
    );
    expect(byName.LCP).toMatchObject({
      "browser.web_vital.rating": "good",
      "browser.web_vital.target": expect.any(String),
    });
    // The slowest of the two interactions: the Accept all click or the heading click.
    expect(["section#consent>div.consent-actions>button.button", "main#main>section.hero>h1"]).toContain(
      byName.INP!["browser.web_vital.target"],
    );
    expect(byName.CLS).toMatchObject({ "browser.web_vital.value": 0, "url.path": "/" });
  });
});

describe("Reject analytics mid-session (J.44)", () => {
  it("stops at once: queued spans are dropped, the session id is deleted, no request follows", async () => {
    const page = await acceptOn("/");
    // The page view and resources are queued for the next batch (5 s); withdraw before it goes.
    await page.getByRole("button", { name: "Reject analytics" }).click();
    expect((await storedState(page)).sessionStorage).toEqual([]);
    await page.getByRole("heading", { level: 1 }).click();
    await page.goto(`${site.origin}/pricing/`);
    await settle(6_000);
    expect(site.exports).toEqual([]);
    expect(watched!.requests.filter((path) => path === "/v1/traces")).toEqual([]);
  });
});

describe("429 from ingest", () => {
  it("is honoured by dropping, never by retrying", async () => {
    site.answer = { status: 429, headers: { "retry-after": "60" } };
    const page = await acceptOn("/");
    await page.goto(`${site.origin}/pricing/`);
    await waitUntil(() => site.exports.length >= 1);
    await settle(2_000);
    const batches = site.exports.length;
    expect(batches).toBeLessThanOrEqual(2);
    expect(new Set(site.exports.map((request) => JSON.stringify(request.body))).size).toBe(batches);
  });
});

describe("dashboard mode", () => {
  const home = () => readFileSync(resolve(import.meta.dirname, "../../site/dist/index.html"), "utf8");
  const signedIn = (html: string) =>
    html.replace(
      '<html lang="en">',
      '<html lang="en" data-sightline-user-id="user-1" data-sightline-tenant-id="tenant-1" data-sightline-user-roles="owner,admin">',
    );

  it("on /app/* measures without a banner and stamps enduser.id, tenant.id and user.roles", async () => {
    site.pages.set("/app/overview/", signedIn(home()));
    watched = await watchedPage(browser);
    const { page } = watched;
    await page.goto(`${site.origin}/app/overview/`);
    expect(await page.getByRole("region", { name: "Analytics consent" }).isVisible()).toBe(false);
    await page.waitForFunction(() => sessionStorage.getItem("sightline-rum-session") !== null);
    await page.goto(`${site.origin}/pricing/`);
    await waitUntil(() => spansNamed("browser.page_view").length === 1);
    expect(spansNamed("browser.page_view")[0]!.attributes).toMatchObject({
      "url.path": "/app/overview/",
      "enduser.id": "user-1",
      "tenant.id": "tenant-1",
      "user.roles": ["owner", "admin"],
    });
  });

  it("never stamps identity on /signin, even when the page carries it", async () => {
    site.pages.set("/signin/", signedIn(home()));
    const page = await acceptOn("/signin/");
    await page.goto(`${site.origin}/pricing/`);
    await waitUntil(() => spansNamed("browser.page_view").length === 1);
    for (const span of spans()) {
      expect(span.attributes).not.toHaveProperty("enduser.id");
      expect(span.attributes).not.toHaveProperty("tenant.id");
      expect(span.attributes).not.toHaveProperty("user.roles");
    }
  });

  it("stays off on /app/* after Reject analytics", async () => {
    site.pages.set("/app/overview/", signedIn(home()));
    watched = await watchedPage(browser);
    const { page, requests } = watched;
    await page.goto(`${site.origin}/`);
    await page.getByRole("button", { name: "Reject", exact: true }).click();
    await page.goto(`${site.origin}/app/overview/`);
    await settle();
    expect(requests).not.toContain("/rum/sdk.js");
    expect(site.exports).toEqual([]);
  });
});
