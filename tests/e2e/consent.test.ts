// SECURITY.md J.43/J.44 and issue 7's consent rules, in a real Chromium against the built site.
import type { Browser } from "playwright-core";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { launchBrowser } from "../support/browser.ts";
import { startCollector, type Collector } from "./rum-collector.ts";
import { settle, storedState, watchedPage, type Watched } from "./rum-browser-watch.ts";

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
});
afterAll(async () => {
  await browser?.close();
  await site?.close();
});

const STATIC_PAGES = [
  "/",
  "/pricing/",
  "/features/",
  "/docs/getting-started/",
  "/privacy/",
  "/cookies/",
  "/demo/",
];

describe("before any choice (J.43: silence means refusal)", () => {
  it("shows the banner with Accept all and Reject equally prominent", async () => {
    watched = await watchedPage(browser);
    const { page } = watched;
    await page.goto(`${site.origin}/`);
    const banner = page.getByRole("region", { name: "Analytics consent" });
    await expect.poll(() => banner.isVisible()).toBe(true);
    const accept = banner.getByRole("button", { name: "Accept all" });
    const reject = banner.getByRole("button", { name: "Reject" });
    expect(await accept.getAttribute("class")).toBe(await reject.getAttribute("class"));
    const [a, r] = [await accept.boundingBox(), await reject.boundingBox()];
    expect(a!.width).toBeCloseTo(r!.width, 0);
    expect(a!.height).toBeCloseTo(r!.height, 0);
  });

  it("writes no storage, cookie or IndexedDB and sends no analytics request on any page", async () => {
    watched = await watchedPage(browser);
    const { page, writes, requests } = watched;
    for (const path of STATIC_PAGES) {
      await page.goto(`${site.origin}${path}`);
      await settle(300);
    }
    await settle();
    await page.goto(`${site.origin}/`);
    expect(writes).toEqual([]);
    expect(await storedState(page)).toEqual({
      localStorage: [],
      sessionStorage: [],
      documentCookie: "",
      indexedDB: [],
      cookies: [],
    });
    expect(requests.filter((path) => !STATIC_PAGES.includes(path) && path !== "/favicon.svg")).toEqual([]);
    expect(site.exports).toEqual([]);
  });

  it("runs every page under the site's CSP without a single console error", async () => {
    watched = await watchedPage(browser);
    const { page } = watched;
    const errors: string[] = [];
    page.on("console", (message) => void (message.type() === "error" && errors.push(message.text())));
    page.on("pageerror", (error) => void errors.push(error.message));
    for (const path of STATIC_PAGES) await page.goto(`${site.origin}${path}`);
    await page.getByRole("button", { name: "Accept all" }).click();
    await page.waitForResponse((response) => response.url().endsWith("/rum/sdk.js"));
    await page.goto(`${site.origin}/pricing/`);
    await settle(500);
    expect(errors).toEqual([]);
  });

  it("does not shift the layout when the banner appears", async () => {
    watched = await watchedPage(browser);
    const { page } = watched;
    await page.goto(`${site.origin}/`);
    await settle(500);
    const shift = await page.evaluate(
      () =>
        new Promise<number>((resolve) => {
          new PerformanceObserver((list) =>
            resolve(
              list
                .getEntries()
                .reduce((sum, entry) => sum + (entry as unknown as { value: number }).value, 0),
            ),
          ).observe({ type: "layout-shift", buffered: true });
          setTimeout(() => resolve(0), 300);
        }),
    );
    expect(shift).toBe(0);
  });
});

describe("Reject (J.43)", () => {
  it("stores only the choice, and nothing is measured on this or later pages", async () => {
    watched = await watchedPage(browser);
    const { page, writes, requests } = watched;
    await page.goto(`${site.origin}/`);
    await page.getByRole("button", { name: "Reject", exact: true }).click();
    expect(await page.getByRole("region", { name: "Analytics consent" }).isVisible()).toBe(false);
    await page.goto(`${site.origin}/pricing/`);
    await settle();
    await page.goto(`${site.origin}/`);
    expect(await page.getByRole("region", { name: "Analytics consent" }).isVisible()).toBe(false);
    expect(writes.filter((write) => write !== "sessionStorage.removeItem sightline-rum-session")).toEqual([
      "localStorage.setItem sightline-cookie-consent",
    ]);
    const stored = await page.evaluate(() => JSON.parse(localStorage.getItem("sightline-cookie-consent")!));
    expect(stored).toEqual({ version: 1, date: expect.any(String), choice: "rejected" });
    expect((await storedState(page)).sessionStorage).toEqual([]);
    expect(requests).not.toContain("/rum/sdk.js");
    expect(site.exports).toEqual([]);
  });
});

describe("Cookie settings", () => {
  it("forgets the choice, stops measuring and shows the banner again, focused", async () => {
    watched = await watchedPage(browser);
    const { page } = watched;
    await page.goto(`${site.origin}/`);
    await page.getByRole("button", { name: "Accept all" }).click();
    const banner = page.getByRole("region", { name: "Analytics consent" });
    expect(await banner.isVisible()).toBe(false);
    await page.getByRole("button", { name: "Cookie settings" }).click();
    expect(await banner.isVisible()).toBe(true);
    expect(await page.evaluate(() => localStorage.getItem("sightline-cookie-consent"))).toBeNull();
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe("Accept all");
    await page.goto(`${site.origin}/pricing/`);
    expect(await banner.isVisible()).toBe(true);
  });
});
