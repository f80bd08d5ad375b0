// Accounts end to end in real Chromium with a CDP virtual authenticator (a real WebAuthn client):
// sign up, sign out, sign in by autofill and by button, add TOTP, sign in with TOTP, use a recovery
// code, revoke another session.
import { Client, neonConfig } from "@neondatabase/serverless";
import { generate } from "otplib";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { WebSocket } from "ws";
import { useLocalRelay } from "../../db/client.ts";
import { launchBrowser } from "../support/browser.ts";
import { addVirtualAuthenticator, signUpWithPasskey } from "./support/passkey-user.ts";

const baseUrl = inject("baseUrl");
const email = `e2e-${crypto.randomUUID()}@example.com`;
let browser: Browser;
let context: BrowserContext;
let page: Page;
let totpSecret = "";
let recoveryCodes: string[] = [];

beforeAll(async () => {
  browser = await launchBrowser();
  context = await browser.newContext();
  page = await context.newPage();
  await addVirtualAuthenticator(context, page);
});
afterAll(() => browser?.close());

async function onSecurityPage(target: Page): Promise<void> {
  await target.waitForURL(/\/app\/security/);
  await expect.poll(() => target.locator("#who").textContent()).toContain(email);
}

/** Waits only for the sign-in page to commit: its passkey autofill may sign in again before "load". */
async function signOut(): Promise<void> {
  await page.locator("#signout").click();
  await page.waitForURL(/\/signin\/?$/, { waitUntil: "commit" });
}

/** Makes every session of the test user older than the 10-minute step-up window. */
async function ageSignIns(): Promise<void> {
  neonConfig.webSocketConstructor = WebSocket;
  useLocalRelay(inject("e2eRelayAddress"));
  const owner = new Client(inject("e2eOwnerDatabaseUrl"));
  await owner.connect();
  try {
    await owner.query(
      "UPDATE sessions SET authenticated_at = now() - interval '11 minutes' WHERE user_id = (SELECT id FROM users WHERE email = $1)",
      [email],
    );
  } finally {
    await owner.end();
  }
}

function totpCode(offsetSeconds: number): Promise<string> {
  return generate({ secret: totpSecret, epoch: Math.floor(Date.now() / 1000) + offsetSeconds });
}

describe("accounts in the browser", () => {
  it("signs up with a passkey and lands on the security page", async () => {
    await signUpWithPasskey(page, baseUrl, { email, name: "Erin Tester" });
    await onSecurityPage(page);
    await expect.poll(() => page.locator("#passkey-list li").count()).toBe(1);
    const cookies = await context.cookies();
    const session = cookies.find((cookie) => cookie.name === "__Host-sightline_session")!;
    expect(session).toMatchObject({ httpOnly: true, secure: true, sameSite: "Lax", path: "/" });
    expect(await page.evaluate(() => JSON.stringify(localStorage) + document.cookie)).not.toContain(
      session.value,
    );
  });

  it("signs out, then signs in through passkey autofill on the email field", async () => {
    await signOut();
    // The page starts a conditional (autofill) request by itself; the virtual authenticator, which
    // simulates user presence, answers it the way a user picking the offered passkey does.
    await onSecurityPage(page);
  });

  it("signs out, then signs in with the “Sign in with a passkey” button", async () => {
    // A browser without passkey autofill, so the button is the only ceremony on the page.
    await page.addInitScript(() => {
      PublicKeyCredential.isConditionalMediationAvailable = () => Promise.resolve(false);
    });
    await signOut();
    await page.waitForLoadState("load");
    expect(await page.evaluate(() => PublicKeyCredential.isConditionalMediationAvailable())).toBe(false);
    await page.getByRole("button", { name: "Sign in with a passkey" }).click();
    await onSecurityPage(page);
  });

  it("adds an authenticator app with a QR code and a code", async () => {
    await page.getByRole("button", { name: "Set up an authenticator app" }).click();
    await expect.poll(() => page.locator("#totp-secret").textContent()).toMatch(/^[A-Z2-7]{32}$/);
    expect(await page.locator("#qr svg").count()).toBe(1);
    totpSecret = (await page.locator("#totp-secret").textContent())!;
    await page.getByLabel("Code from the app").fill(await totpCode(0));
    await page.getByRole("button", { name: "Turn on" }).click();
    await expect.poll(() => page.locator("#status").textContent()).toContain("Authenticator app turned on");
    expect(await page.locator("#totp-setup").isHidden()).toBe(true);
  });

  it("generates recovery codes", async () => {
    await page.getByRole("button", { name: "Generate new recovery codes" }).click();
    await expect.poll(() => page.locator("#codes li").count()).toBe(10);
    recoveryCodes = await page.locator("#codes li").allTextContents();
  });

  it("asks to confirm with a passkey when the sign-in is older than 10 minutes, then does it", async () => {
    await ageSignIns();
    const before = recoveryCodes.join();
    await page.getByRole("button", { name: "Generate new recovery codes" }).click();
    await expect.poll(() => page.locator("#reauth").isVisible()).toBe(true);
    await page.getByRole("button", { name: "Use a passkey" }).click();
    await expect
      .poll(async () => (await page.locator("#codes li").allTextContents()).join())
      .not.toBe(before);
    expect(await page.locator("#reauth").isVisible()).toBe(false);
    recoveryCodes = await page.locator("#codes li").allTextContents();
    expect(recoveryCodes).toHaveLength(10);
  });

  it("signs in on a device without the passkey with email and an authenticator code, and is offered a passkey", async () => {
    const device = await browser.newContext();
    const other = await device.newPage();
    await other.goto(`${baseUrl}/signin`);
    await other.getByText("Use an authenticator app").click();
    await other.locator("#totp-email").fill(email);
    await other.locator("#totp-code").fill("000000");
    await other.getByRole("button", { name: "Sign in with code" }).click();
    await expect.poll(() => other.locator("#error").textContent()).toContain("wrong");
    await other.locator("#totp-code").fill(await totpCode(30));
    await other.getByRole("button", { name: "Sign in with code" }).click();
    await onSecurityPage(other);
    expect(await other.locator("#offer").isVisible()).toBe(true);
    await device.close();
  });

  it("signs in elsewhere with a recovery code, and that session is revoked from here", async () => {
    await page.getByRole("button", { name: "Sign out everywhere else" }).click();
    await expect.poll(() => page.locator("#session-list li").count()).toBe(1);
    const other = await browser.newContext();
    const otherPage = await other.newPage();
    await otherPage.goto(`${baseUrl}/signin`);
    await otherPage.getByText("Use a recovery code").click();
    await otherPage.locator("#recovery-email").fill(email);
    await otherPage.locator("#recovery-code").fill(recoveryCodes[0]);
    await otherPage.getByRole("button", { name: "Sign in with recovery code" }).click();
    await onSecurityPage(otherPage);

    await page.reload();
    await expect.poll(() => page.locator("#session-list li").count()).toBe(2);
    await page
      .locator("#session-list li", { hasNotText: "This device" })
      .getByRole("button", { name: "Sign out" })
      .click();
    await expect.poll(() => page.locator("#session-list li").count()).toBe(1);

    await otherPage.reload();
    await otherPage.waitForURL(/\/signin\/?$/);
    await other.close();
  });
});
