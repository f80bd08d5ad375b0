// Issue 16 on the real stack (wrangler dev + Postgres + Chromium): a new tenant requires consent
// receipts. A visitor accepts, the SDK's batches carry the receipt and are stored; "Reject
// analytics" revokes it at the server, and a replay of a batch the server accepted before is then
// refused. Forged, expired and other-tenant receipts are refused with 403 CONSENT_REQUIRED.
import type { Browser, BrowserContext } from "playwright-core";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { importSigningRing, signReceipt, verifyReceipt } from "../../worker/src/consent/receipts.ts";
import { launchBrowser } from "../support/browser.ts";
import { addVirtualAuthenticator, callApiFrom, signUpWithPasskey } from "./support/passkey-user.ts";

const baseUrl = inject("baseUrl");
const origin = new URL(baseUrl).origin;
let browser: Browser;
let owner: BrowserContext;

type Tenant = { id: string; frontend: string; backend: string };

/** A tenant made through the API (so with the defaults of a new tenant), allowing this origin. */
async function newTenant(name: string): Promise<Tenant> {
  const page = owner.pages()[0]!;
  const { id } = await callApiFrom<{ id: string }>(page, "POST", "/api/tenants", { name });
  await callApiFrom(page, "PUT", `/api/tenants/${id}/origins`, { origins: [origin] });
  const token = async (type: string) =>
    (await callApiFrom<{ token: string }>(page, "POST", `/api/tenants/${id}/tokens`, { name: type, type }))
      .token;
  return { id, frontend: await token("frontend"), backend: await token("backend") };
}

beforeAll(async () => {
  browser = await launchBrowser();
  owner = await browser.newContext();
  const page = await owner.newPage();
  await addVirtualAuthenticator(owner, page);
  await signUpWithPasskey(page, baseUrl, {
    email: `consent-${crypto.randomUUID()}@example.com`,
    name: "Owner",
  });
});
afterAll(() => browser?.close());

type Batch = { headers: Record<string, string>; body: string };

function replay(batch: Batch, receipt = batch.headers["sightline-consent"]): Promise<Response> {
  const { authorization } = batch.headers;
  return fetch(`${baseUrl}/v1/traces`, {
    method: "POST",
    headers: { authorization, "content-type": "application/json", origin, "sightline-consent": receipt },
    body: batch.body,
  });
}

async function expectConsentRequired(response: Response): Promise<void> {
  expect(response.status).toBe(403);
  expect(((await response.json()) as { message: string }).message).toMatch(/^CONSENT_REQUIRED/);
}

describe("consent receipts on the real stack", () => {
  let tenant: Tenant;
  let accepted: Batch;

  it("Accept all: the receipt comes first, the batches carry it and are stored", async () => {
    tenant = await newTenant("Receipts shop");
    const visitor = await browser.newContext();
    await visitor.route("**/*", async (route) => {
      if (route.request().resourceType() !== "document") return route.continue();
      const response = await route.fetch();
      const html = (await response.text())
        .replace(/ data-rum-token="[^"]*"/, "")
        .replace('id="consent"', `id="consent" data-rum-token="${tenant.frontend}"`);
      await route.fulfill({ response, body: html });
    });
    const batches: Batch[] = [];
    const order: string[] = [];
    visitor.on("request", (request) => {
      const path = new URL(request.url()).pathname;
      if (request.method() === "OPTIONS" || !path.startsWith("/v1/")) return;
      order.push(`${request.method()} ${path}`);
    });
    await visitor.route("**/v1/traces", async (route) => {
      const request = route.request();
      if (request.method() === "POST")
        batches.push({ headers: await request.allHeaders(), body: request.postData() ?? "" });
      await route.continue();
    });
    const page = await visitor.newPage();
    await page.goto(`${baseUrl}/pricing`);
    await page.getByRole("button", { name: "Accept all" }).click();
    await page.waitForFunction(() => sessionStorage.getItem("sightline-rum-session")?.includes("receipt"));
    await page.goto(`${baseUrl}/`);
    await expect.poll(() => storedPageViews(tenant), { timeout: 15_000 }).toBeGreaterThan(0);
    expect(order[0]).toBe("POST /v1/consent");
    expect(order.filter((entry) => entry === "POST /v1/consent")).toHaveLength(1);
    // Playwright does not see the page-hide (keepalive) request; this page's own batch follows
    // within the batch processor's 5 s delay.
    await expect.poll(() => batches.length, { timeout: 15_000 }).toBeGreaterThan(0);
    for (const batch of batches) expect(batch.headers["sightline-consent"]).toMatch(/^\d+\./);
    accepted = batches[0]!;

    const revoked = page.waitForResponse(
      (response) => response.url().endsWith("/v1/consent") && response.request().method() === "DELETE",
    );
    await page.getByRole("button", { name: "Reject analytics" }).click();
    expect((await revoked).status()).toBe(204);
    await visitor.close();
  });

  it("Reject analytics revoked the receipt: a replay of the accepted batch is refused", async () => {
    await expectConsentRequired(await replay(accepted));
  });

  it("a forged, an expired or another tenant's receipt is refused", async () => {
    const receipt = accepted.headers["sightline-consent"];
    const forged = receipt.slice(0, -3) + (receipt.endsWith("AAA") ? "BBB" : "AAA");
    await expectConsentRequired(await replay(accepted, forged));

    const ring = await importSigningRing(inject("e2eConsentReceiptKeys"));
    const fresh = await issue(tenant.frontend);
    const claims = (await verifyReceipt(ring, fresh))!;
    expect((await replay(accepted, fresh)).status).toBe(200);
    const expired = await signReceipt(ring, { ...claims, expiresAt: new Date(Date.now() - 60_000) });
    await expectConsentRequired(await replay(accepted, expired));

    const other = await newTenant("Another shop");
    await expectConsentRequired(await replay(accepted, await issue(other.frontend)));
  });

  it("the tenant's admin sees the day's accepted and withdrawn receipts on the consent log page", async () => {
    const page = owner.pages()[0]!;
    await page.goto(`${baseUrl}/app/t/${tenant.id}/consent`);
    const today = new Date().toISOString().slice(0, 10);
    const row = page.getByRole("row", { name: new RegExp(today) });
    await expect.poll(() => row.isVisible(), { timeout: 10_000 }).toBe(true);
    const cells = await row.getByRole("cell").allTextContents();
    expect(cells[0]).toBe(today);
    expect(Number(cells[1])).toBeGreaterThanOrEqual(2);
    expect(Number(cells[2])).toBeGreaterThanOrEqual(1);
    expect(Number(cells[3])).toBeGreaterThanOrEqual(3);
    const href = await page.getByRole("link", { name: "Export receipts (JSON)" }).getAttribute("href");
    const exported = await callApiFrom<{ events: { receiptId: string }[] }>(page, "GET", href!);
    expect(exported.events.length).toBeGreaterThanOrEqual(3);
  });
});

async function storedPageViews(tenant: Tenant): Promise<number> {
  const response = await fetch(`${baseUrl}/api/tenants/${tenant.id}/traces?name=browser.page_view`, {
    headers: { authorization: `Bearer ${tenant.backend}` },
  });
  return ((await response.json()) as { traces: unknown[] }).traces.length;
}

async function issue(token: string): Promise<string> {
  const response = await fetch(`${baseUrl}/v1/consent`, {
    method: "POST",
    headers: { authorization: `Bearer ${token}`, "content-type": "application/json", origin },
    body: JSON.stringify({ sessionId: crypto.randomUUID(), policyVersion: 1 }),
  });
  expect(response.status).toBe(201);
  return ((await response.json()) as { receipt: string }).receipt;
}
