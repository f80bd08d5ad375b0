import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import type { Browser } from "playwright-core";
import { launchBrowser } from "../support/browser.ts";

const baseUrl = inject("baseUrl");
let browser: Browser;

beforeAll(async () => {
  browser = await launchBrowser();
});
afterAll(() => browser?.close());

describe("the local stack in a real browser", () => {
  it("serves the home page from static assets with its security headers", async () => {
    const page = await browser.newPage();
    const response = await page.goto(`${baseUrl}/`);
    expect(response?.status()).toBe(200);
    expect(await page.locator("h1").first().textContent()).toContain("Sightline");
    const headers = response!.headers();
    expect(headers["x-content-type-options"]).toBe("nosniff");
    expect(headers["content-security-policy"]).toContain("frame-ancestors 'none'");
    await page.close();
  });

  it("answers an unknown page with the site's 404 page", async () => {
    const response = await fetch(`${baseUrl}/no-such-page`);
    expect(response.status).toBe(404);
    expect(await response.text()).toContain("Page not found");
  });
});

describe("GET /api/health against a database that is stopped and started again", () => {
  const control = inject("stackControlUrl");

  it("answers 200, then 503 db:error while Postgres is stopped, then 200 once it is back", async () => {
    expect(await (await fetch(`${baseUrl}/api/health`)).json()).toEqual({ status: "ok", db: "ok" });
    await fetch(`${control}/database/stop`, { method: "POST" });
    try {
      const down = await fetch(`${baseUrl}/api/health`);
      expect(down.status).toBe(503);
      expect(await down.json()).toEqual({ status: "error", db: "error" });
    } finally {
      await fetch(`${control}/database/start`, { method: "POST" });
    }
    const up = await fetch(`${baseUrl}/api/health`);
    expect(up.status).toBe(200);
  });
});
