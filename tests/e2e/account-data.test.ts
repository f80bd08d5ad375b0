// Export and erasure from the dashboard, in real Chromium with a CDP virtual authenticator: download
// the export from /app/security (a second download asks to confirm again), delete the account, and
// restore it with the passkey on /restore-account.
import { readFile } from "node:fs/promises";
import type { Browser, Download, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { launchBrowser } from "../support/browser.ts";
import { addVirtualAuthenticator, signUpWithPasskey } from "./support/passkey-user.ts";

const baseUrl = inject("baseUrl");
const email = `e2e-data-${crypto.randomUUID()}@example.com`;
let browser: Browser;
let page: Page;

beforeAll(async () => {
  browser = await launchBrowser();
  const context = await browser.newContext({ acceptDownloads: true });
  page = await context.newPage();
  await addVirtualAuthenticator(context, page);
});
afterAll(() => browser?.close());

async function onSecurityPage(): Promise<void> {
  await page.waitForURL(/\/app\/security/);
  await expect.poll(() => page.locator("#who").textContent()).toContain(email);
}

/** The page says how the download went: on a failure this shows what it said instead. */
const downloaded = () =>
  expect.poll(() => page.locator("#account-data-status").textContent()).toBe("Downloaded.");

async function savedJson(download: Promise<Download>): Promise<Record<string, unknown>> {
  return JSON.parse(await readFile((await (await download).path())!, "utf8"));
}

async function downloadExport(): Promise<Record<string, unknown>> {
  const download = page.waitForEvent("download");
  await page.getByRole("button", { name: "Download my data" }).click();
  await downloaded();
  return savedJson(download);
}

describe("account data in the browser", () => {
  it("downloads the export from the security page", async () => {
    await signUpWithPasskey(page, baseUrl, { email, name: "Dana Export" });
    await onSecurityPage();
    const exported = await downloadExport();
    expect(exported).toMatchObject({ format: "sightline.account-export", profile: { email } });
  });

  it("asks to confirm with a passkey before a second download", async () => {
    const download = page.waitForEvent("download");
    await page.getByRole("button", { name: "Download my data" }).click();
    await expect.poll(() => page.locator("#reauth").isVisible()).toBe(true);
    await page.getByRole("button", { name: "Use a passkey" }).click();
    await downloaded();
    expect(await savedJson(download)).toMatchObject({ profile: { email } });
  });

  it("deletes the account, which signs it out", async () => {
    page.once("dialog", (dialog) => dialog.accept());
    await page.getByRole("button", { name: "Delete my account" }).click();
    await page.waitForURL(/\/restore-account\/?\?deleted=/);
    await expect.poll(() => page.locator("#deleted").textContent()).toContain("can be restored here until");
    const me = await page.request.get(`${baseUrl}/api/me`);
    expect(me.status()).toBe(401);
  });

  it("restores the account with its passkey", async () => {
    await page.locator("#email").fill(email);
    await page.getByRole("button", { name: "Restore with a passkey" }).click();
    await onSecurityPage();
  });
});
