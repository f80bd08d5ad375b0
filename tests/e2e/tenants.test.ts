// Tenancy end to end in real Chromium on the whole stack: the owner signs up and creates a tenant
// from /app, invites a second user who signs up, confirms their address and accepts from the link, then the owner creates
// an API token (the secret shown once), sees it work, revokes it, and it stops working.
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { launchBrowser } from "../support/browser.ts";
import { confirmEmailFromLink } from "./support/mail.ts";
import { addVirtualAuthenticator, signUpWithPasskey } from "./support/passkey-user.ts";

const baseUrl = inject("baseUrl");
let browser: Browser;
let tenantUrl = "";
let owner: Page;
let invitee: Page;
let inviteeEmail = "";

/** A fresh browser profile with a virtual passkey authenticator, signed up with a new account. */
async function signedUpPage(name: string): Promise<{ page: Page; email: string; context: BrowserContext }> {
  const context = await browser.newContext();
  const page = await context.newPage();
  await addVirtualAuthenticator(context, page);
  const email = `tenancy-${crypto.randomUUID()}@example.com`;
  await signUpWithPasskey(page, baseUrl, { email, name });
  return { page, email, context };
}

/** Ingest-style use of a token from outside the browser: the query API accepts backend tokens. */
function useToken(token: string): Promise<Response> {
  const tenantId = /\/app\/t\/([^/]+)\//.exec(tenantUrl)![1];
  return fetch(`${baseUrl}/api/tenants/${tenantId}/traces`, {
    headers: { authorization: `Bearer ${token}` },
  });
}

beforeAll(async () => {
  browser = await launchBrowser();
  ({ page: owner } = await signedUpPage("Olive Owner"));
  ({ page: invitee, email: inviteeEmail } = await signedUpPage("Ivan Invitee"));
});
afterAll(() => browser?.close());

describe("tenants in the browser", () => {
  it("the owner creates a tenant from /app, lands on its services overview and finds its members", async () => {
    await owner.goto(`${baseUrl}/app`);
    await owner.getByLabel("Name").fill("Acme E2E");
    await owner.getByRole("button", { name: "Create tenant" }).click();
    await owner.waitForURL(/\/app\/t\/[0-9a-f-]{36}\/services$/);
    tenantUrl = owner.url().replace(/services$/, "members");
    await owner.goto(tenantUrl);
    await expect.poll(() => owner.locator("#tenant-name").textContent()).toBe("Acme E2E");
    await expect.poll(() => owner.locator("#members tr").count()).toBe(1);
  });

  it("the owner invites a second user, who accepts from the link and becomes a member", async () => {
    await owner.getByLabel("Email", { exact: true }).fill(inviteeEmail);
    await owner.getByLabel("Role", { exact: true }).selectOption("member");
    await owner.getByRole("button", { name: "Create invitation" }).click();
    await expect.poll(() => owner.locator("#invite-link").inputValue()).toMatch(/\/app\/invite#/);
    const link = await owner.locator("#invite-link").inputValue();

    // Only a confirmed address can accept: the invitee opens the link from their sign-up email first.
    await confirmEmailFromLink(invitee, baseUrl, inviteeEmail);
    await invitee.goto(link);
    await invitee.getByRole("button", { name: "Accept invitation" }).click();
    await invitee.waitForURL(/\/app\/t\/[0-9a-f-]{36}\/members$/);
    await expect.poll(() => invitee.locator("#tenant-role").textContent()).toBe("Your role: member");

    await owner.reload();
    await expect.poll(() => owner.locator("#members tr").count()).toBe(2);
    await expect.poll(() => owner.locator("#members").textContent()).toContain(inviteeEmail);
  });

  it("the member sees no token management", async () => {
    await invitee.goto(tenantUrl.replace(/members$/, "tokens"));
    await expect.poll(() => invitee.locator("#not-admin").isVisible()).toBe(true);
  });

  it("the owner creates a token (shown once), it works, then revoking it makes the next request fail", async () => {
    await owner.goto(tenantUrl.replace(/members$/, "tokens"));
    await owner.getByLabel("Name", { exact: true }).fill("ci");
    await owner.getByRole("button", { name: "Create token" }).click();
    await expect.poll(() => owner.locator("#secret-value").inputValue()).toMatch(/^sl_be_/);
    const token = await owner.locator("#secret-value").inputValue();
    await expect.poll(() => owner.locator("#tokens tr").count()).toBe(1);
    expect(await owner.locator("#tokens").textContent()).not.toContain(token);
    expect((await useToken(token)).status).toBe(200);

    owner.once("dialog", (dialog) => void dialog.accept());
    await owner.getByRole("button", { name: "Revoke the token ci" }).click();
    await expect.poll(() => owner.locator("#tokens tr").count()).toBe(0);
    expect((await useToken(token)).status).toBe(401);
  });

  it("the owner promotes the member to admin from the members page", async () => {
    await owner.goto(tenantUrl);
    await owner.getByLabel(`Role of ${inviteeEmail}`, { exact: true }).selectOption("admin");
    await owner.getByRole("button", { name: `Change the role of ${inviteeEmail}` }).click();
    await expect.poll(() => owner.locator("#status").textContent()).toBe(`${inviteeEmail} is now admin.`);
    await invitee.goto(tenantUrl.replace(/members$/, "tokens"));
    await expect.poll(() => invitee.locator("#admin-only").isVisible()).toBe(true);
  });

  it("the audit page lists what happened", async () => {
    await owner.goto(tenantUrl.replace(/members$/, "audit"));
    await expect.poll(() => owner.locator("#events").textContent()).toContain("token.revoked");
    const text = await owner.locator("#events").textContent();
    for (const action of [
      "member.role_changed",
      "token.created",
      "invitation.accepted",
      "invitation.created",
      "tenant.created",
    ]) {
      expect(text).toContain(action);
    }
  });
});
