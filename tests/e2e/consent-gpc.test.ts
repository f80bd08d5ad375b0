// Issue 16 in a real Chromium against the built site (fake collector): after "Accept all" the SDK
// asks /v1/consent for a receipt before any batch and sends it on every batch; "Reject analytics"
// revokes it; Global Privacy Control is a refusal — the SDK never loads — until the visitor accepts
// explicitly. (No request at all before a choice: tests/e2e/consent.test.ts, J.43.)
import type { Browser } from "playwright-core";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { launchBrowser } from "../support/browser.ts";
import { startCollector, TEST_RECEIPT, TEST_TOKEN, type Collector } from "./rum-collector.ts";
import { settle, watchedPage, type Watched } from "./rum-browser-watch.ts";

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
  site.consents.length = 0;
});
afterAll(async () => {
  await browser?.close();
  await site?.close();
});

/** Pretends the browser has Global Privacy Control on (Chromium has no setting for it). */
async function withGpc(current: Watched): Promise<void> {
  await current.context.addInitScript(() =>
    Object.defineProperty(Navigator.prototype, "globalPrivacyControl", { get: () => true }),
  );
  await current.context.setExtraHTTPHeaders({ "Sec-GPC": "1" });
}

describe("consent receipts in the browser", () => {
  it("Accept all: one receipt request for the tab's session, then every batch carries the receipt", async () => {
    watched = await watchedPage(browser);
    const { page } = watched;
    await page.goto(`${site.origin}/`);
    await page.getByRole("button", { name: "Accept all" }).click();
    await page.waitForFunction(() => sessionStorage.getItem("sightline-rum-session")?.includes("receipt"));
    await page.goto(`${site.origin}/pricing/`);
    await expect.poll(() => site.exports.length, { timeout: 10_000 }).toBeGreaterThan(0);

    const [asked, ...others] = site.consents;
    expect(others.filter((request) => request.method === "POST")).toEqual([]);
    expect(asked.method).toBe("POST");
    expect(asked.headers.authorization).toBe(`Bearer ${TEST_TOKEN}`);
    expect(asked.headers.cookie).toBeUndefined();
    const session = await page.evaluate(() => JSON.parse(sessionStorage.getItem("sightline-rum-session")!));
    expect(JSON.parse(asked.body)).toEqual({ sessionId: session.id, policyVersion: 1 });
    for (const batch of site.exports) expect(batch.headers["sightline-consent"]).toBe(`${TEST_RECEIPT}1`);
  });

  it("Reject analytics: the receipt is revoked at the server, then nothing is sent", async () => {
    watched = await watchedPage(browser);
    const { page } = watched;
    await page.goto(`${site.origin}/`);
    await page.getByRole("button", { name: "Accept all" }).click();
    await page.waitForFunction(() => sessionStorage.getItem("sightline-rum-session")?.includes("receipt"));
    await page.getByRole("button", { name: "Reject analytics" }).click();
    await expect.poll(() => site.consents.map((request) => request.method)).toEqual(["POST", "DELETE"]);
    expect(site.consents[1].headers["sightline-consent"]).toBe(`${TEST_RECEIPT}1`);
    expect(site.consents[1].headers.cookie).toBeUndefined();
    const sent = site.exports.length;
    await page.goto(`${site.origin}/pricing/`);
    await settle();
    expect(site.exports.length).toBe(sent);
    expect(await page.evaluate(() => sessionStorage.length)).toBe(0);
  });

  it("GPC on: the banner says it counts as Reject, and the SDK never loads without an explicit opt-in", async () => {
    watched = await watchedPage(browser);
    await withGpc(watched);
    const { page, requests } = watched;
    await page.goto(`${site.origin}/`);
    await expect.poll(() => page.getByText("Global Privacy Control").isVisible()).toBe(true);
    await page.getByRole("button", { name: "Reject", exact: true }).click();
    await page.goto(`${site.origin}/pricing/`);
    await settle();
    expect(requests).not.toContain("/rum/sdk.js");
    expect(site.consents).toEqual([]);
    expect(site.exports).toEqual([]);
  });

  it("GPC on and Accept all: the visitor's explicit opt-in is sent with the receipt request", async () => {
    watched = await watchedPage(browser);
    await withGpc(watched);
    const { page } = watched;
    await page.goto(`${site.origin}/`);
    await page.getByRole("button", { name: "Accept all" }).click();
    await expect.poll(() => site.consents.length, { timeout: 10_000 }).toBe(1);
    expect(JSON.parse(site.consents[0].body)).toMatchObject({ gpcOptIn: true });
    expect(site.consents[0].headers["sec-gpc"]).toBe("1");
  });
});
