// RUM figures for `npm run bench`: the transfer sizes a visitor pays for analytics (the inlined
// consent banner + loader before a choice, the SDK after "Accept all"), and Lighthouse (mobile,
// default simulated throttling) on the home page without and with consent, in the same Chromium
// the browser tests use. The site is served from site/dist by the RUM test collector (loopback),
// which answers /v1/traces like a healthy ingest would. Needs `npm run build` first.
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import lighthouse from "lighthouse";
import { chromium } from "playwright-core";
import { freePort } from "../../db/local/free-port.ts";
import { bundleRumSdk } from "../../rum-sdk/build.ts";
import { CONSENT_KEY, CONSENT_VERSION } from "../../rum-sdk/src/consent.ts";
import {
  BANNER_BUDGET_BYTES,
  SDK_BUDGET_BYTES,
  bannerSizeOf,
  brotliSize,
  builtHomePage,
} from "../../rum-sdk/sizes.ts";
import { CHROMIUM_ARGS, chromiumExecutable } from "../../tests/support/browser.ts";
import { startCollector } from "../../tests/e2e/rum-collector.ts";

import type { BenchRow } from "./report.ts";

const ROOT = resolve(import.meta.dirname, "../..");
const CATEGORIES = ["performance", "accessibility", "best-practices", "seo"] as const;
const LIGHTHOUSE_TIMEOUT_MS = 120_000;

const kib = (bytes: number, budget: number) =>
  `${(bytes / 1024).toFixed(2)} KiB brotli (${bytes} B; budget ${(budget / 1024).toFixed(1)} KiB)`;

export async function benchRum(): Promise<BenchRow[]> {
  const rows: BenchRow[] = [
    {
      metric: "consent banner + loader + CSS, inlined",
      value: kib(bannerSizeOf(builtHomePage(ROOT)), BANNER_BUDGET_BYTES),
    },
    { metric: "RUM SDK, after consent", value: kib(brotliSize(await bundleRumSdk()), SDK_BUDGET_BYTES) },
  ];
  try {
    rows.push(...(await lighthouseRows()));
  } catch (error) {
    rows.push({ metric: "Lighthouse (mobile)", value: `skipped: ${(error as Error).message}` });
  }
  return rows;
}

async function lighthouseRows(): Promise<BenchRow[]> {
  const site = await startCollector();
  const port = await freePort();
  const profile = mkdtempSync(join(tmpdir(), "sightline-lighthouse-"));
  const chrome = spawn(
    await chromiumExecutable(),
    [...CHROMIUM_ARGS, `--user-data-dir=${profile}`, `--remote-debugging-port=${port}`, "about:blank"],
    { stdio: "ignore", detached: true },
  );
  try {
    await waitForDevTools(port);
    const url = `${site.origin}/`;
    const withoutConsent = await audit(url, port);
    await storeConsent(port, site.origin);
    const withConsent = await audit(url, port);
    if (withoutConsent.sdkLoaded || !withConsent.sdkLoaded)
      throw new Error("the SDK loaded against the consent state");
    return CATEGORIES.map((category) => ({
      metric: `Lighthouse mobile ${category}: no consent / accepted`,
      value: `${withoutConsent[category]} / ${withConsent[category]}`,
    }));
  } finally {
    if (chrome.pid) process.kill(-chrome.pid, "SIGKILL");
    await site.close();
    rmSync(profile, { recursive: true, force: true });
  }
}

type Audit = Record<(typeof CATEGORIES)[number], number> & { sdkLoaded: boolean };

/** Scores 0–100 per category; storage is kept, so a stored consent applies to the run. */
async function audit(url: string, port: number): Promise<Audit> {
  const result = await Promise.race([
    lighthouse(url, {
      port,
      output: "json",
      logLevel: "error",
      onlyCategories: [...CATEGORIES],
      disableStorageReset: true,
    }),
    new Promise<never>((_, reject) =>
      setTimeout(() => reject(new Error("Lighthouse timed out")), LIGHTHOUSE_TIMEOUT_MS),
    ),
  ]);
  if (!result) throw new Error("Lighthouse returned no result");
  const scores = Object.fromEntries(
    CATEGORIES.map((category) => [category, Math.round((result.lhr.categories[category]?.score ?? 0) * 100)]),
  );
  const requests = (
    result.lhr.audits["network-requests"]?.details as { items?: { url: string }[] } | undefined
  )?.items;
  const sdkLoaded = (requests ?? []).some((request) => request.url.endsWith("/rum/sdk.js"));
  return { ...(scores as Record<(typeof CATEGORIES)[number], number>), sdkLoaded };
}

/** "Accept all", as the visitor's stored choice, in the profile Lighthouse audits with. */
async function storeConsent(port: number, origin: string): Promise<void> {
  const browser = await chromium.connectOverCDP(`http://127.0.0.1:${port}`);
  try {
    const page = await browser.contexts()[0]!.newPage();
    await page.goto(`${origin}/robots.txt`);
    await page.evaluate(
      ([key, version]) =>
        localStorage.setItem(
          key,
          JSON.stringify({ version, date: new Date().toISOString(), choice: "accepted" }),
        ),
      [CONSENT_KEY, CONSENT_VERSION] as const,
    );
    await page.close();
  } finally {
    await browser.close();
  }
}

async function waitForDevTools(port: number): Promise<void> {
  for (let attempt = 0; attempt < 100; attempt++) {
    const ready = await fetch(`http://127.0.0.1:${port}/json/version`).then(
      (response) => response.ok,
      () => false,
    );
    if (ready) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error("Chromium's DevTools endpoint did not come up");
}

if (import.meta.main)
  for (const { metric, value } of await benchRum()) console.log(`  ${metric.padEnd(52)} ${value}`);
