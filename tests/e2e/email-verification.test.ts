// A new user in real Chromium on the whole stack: signs up with a passkey, receives the
// confirmation email through wrangler dev's simulated EMAIL binding, opens its link and lands
// verified; opening it again says it was used.
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { launchBrowser } from "../support/browser.ts";
import { confirmEmailFromLink, deliveredTo, linkFromEmail, WAIT_MS } from "./support/mail.ts";
import { addVirtualAuthenticator, callApiFrom, signUpWithPasskey } from "./support/passkey-user.ts";

const baseUrl = inject("baseUrl");
let browser: Browser;
let context: BrowserContext;
let page: Page;
const email = `verify-${crypto.randomUUID()}@example.com`;

type Me = { user: { email: string; emailVerified: boolean } };

beforeAll(async () => {
  browser = await launchBrowser();
  context = await browser.newContext();
  page = await context.newPage();
  await addVirtualAuthenticator(context, page);
});
afterAll(() => browser?.close());

describe("email verification end to end", () => {
  it("signs up, opens the link from the delivered email and lands verified", async () => {
    await signUpWithPasskey(page, baseUrl, { email, name: "Vera" });
    expect((await callApiFrom<Me>(page, "GET", "/api/me")).user.emailVerified).toBe(false);
    await confirmEmailFromLink(page, baseUrl, email);
    expect(new URL(page.url()).hash).toBe("");
    expect((await callApiFrom<Me>(page, "GET", "/api/me")).user).toMatchObject({
      email,
      emailVerified: true,
    });
    await page.goto(`${baseUrl}/app/security`);
    await expect
      .poll(() => page.locator("#email-state").textContent(), { timeout: WAIT_MS })
      .toBe(`${email} (confirmed)`);
  });

  it("the link works once: opening it again says it was already used", async () => {
    await page.goto(await linkFromEmail(email, /Confirm your email address/, `${baseUrl}/verify-email#`));
    await expect
      .poll(() => page.locator("#error").textContent())
      .toBe("This confirmation link was already used.");
    expect((await deliveredTo(email)).map((message) => message.subject)).toEqual([
      "Confirm your email address for Sightline",
    ]);
  });
});
