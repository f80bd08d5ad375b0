// Issue 7's signed-in dashboard mode on the real stack (wrangler dev + Postgres + the built site
// carrying the site tenant's frontend token): /app/* pages measure without a banner and stamp who
// is looking at which tenant; /signin never carries identity; "Reject analytics" stops it at once.
import type { Browser, BrowserContext, Page, Request } from "playwright-core";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { launchBrowser } from "../support/browser.ts";
import { addVirtualAuthenticator, callApiFrom, signUpWithPasskey } from "./support/passkey-user.ts";

const baseUrl = inject("baseUrl");
const IDENTITY = ["enduser.id", "tenant.id", "user.roles"];

type AnyValue = { stringValue?: string; arrayValue?: { values: AnyValue[] } } & Record<string, unknown>;
type OtlpJson = {
  resourceSpans: {
    scopeSpans: { spans: { name: string; attributes: { key: string; value: AnyValue }[] }[] }[];
  }[];
};
type SentSpan = { name: string; attributes: Record<string, unknown> };

let browser: Browser;
let context: BrowserContext;
let page: Page;
let userId = "";
let tenantId = "";
/** Every POST to /v1/traces the browser sends, from any page of the signed-in context, in order. */
const exports: { at: number; spans: SentSpan[] }[] = [];

function plain(value: AnyValue): unknown {
  if (value.arrayValue) return value.arrayValue.values.map(plain);
  return value.stringValue ?? Object.values(value)[0];
}

function record(request: Request): void {
  if (request.method() !== "POST" || new URL(request.url()).pathname !== "/v1/traces") return;
  const body = JSON.parse(request.postData() ?? "{}") as OtlpJson;
  const spans = body.resourceSpans.flatMap((resource) =>
    resource.scopeSpans.flatMap((scope) =>
      scope.spans.map((span) => ({
        name: span.name,
        attributes: Object.fromEntries(span.attributes.map(({ key, value }) => [key, plain(value)])),
      })),
    ),
  );
  exports.push({ at: Date.now(), spans });
}

const spansOn = (path: string) =>
  exports.flatMap(({ spans }) => spans).filter((span) => span.attributes["url.path"] === path);

/** Opens a page, waits until the SDK has loaded there (and, on /app/*, the identity is known). */
async function openMeasured(target: Page, path: string, dashboard: boolean): Promise<void> {
  const sdk = target.waitForResponse((response) => new URL(response.url()).pathname === "/rum/sdk.js");
  await target.goto(`${baseUrl}${path}`);
  await sdk;
  if (dashboard)
    await target.waitForFunction(() => document.documentElement.dataset.sightlineUserId !== undefined);
}

beforeAll(async () => {
  browser = await launchBrowser();
  context = await browser.newContext();
  context.on("request", record);
  page = await context.newPage();
  await addVirtualAuthenticator(context, page);
  await signUpWithPasskey(page, baseUrl, {
    email: `dash-rum-${crypto.randomUUID()}@example.com`,
    name: "Dash",
  });
  ({ id: tenantId } = await callApiFrom<{ id: string }>(page, "POST", "/api/tenants", {
    name: "Dashboard RUM",
  }));
  ({
    user: { id: userId },
  } = await callApiFrom<{ user: { id: string } }>(page, "GET", "/api/me"));
});
afterAll(() => browser?.close());

describe("the signed-in dashboard's own RUM", () => {
  it("on a tenant page, measures without a banner and stamps enduser.id, tenant.id and user.roles", async () => {
    const members = `/app/t/${tenantId}/members`;
    const blocked: string[] = [];
    page.on(
      "console",
      (message) => void (/Content Security Policy/.test(message.text()) && blocked.push(message.text())),
    );
    await openMeasured(page, members, true);
    expect(blocked).toEqual([]);
    expect(await page.getByRole("region", { name: "Analytics consent" }).isVisible()).toBe(false);
    // The first input settles LCP; the batch (page view, resources, vitals) leaves within 5 s.
    await page.locator("#tenant-name").click();
    await expect
      .poll(() => spansOn(members).some((span) => span.name === "browser.page_view"), { timeout: 10_000 })
      .toBe(true);
    // The SDK starts only once /api/me has answered, so every span here carries the identity.
    for (const span of spansOn(members))
      expect(span.attributes).toMatchObject({
        "enduser.id": userId,
        "tenant.id": tenantId,
        "user.roles": ["owner"],
      });
  });

  it("does not ask on /signin, and without an earlier choice measures nothing there", async () => {
    const visitor = await browser.newContext();
    const requests: string[] = [];
    visitor.on("request", (request) => requests.push(new URL(request.url()).pathname));
    const signin = await visitor.newPage();
    await signin.goto(`${baseUrl}/signin`);
    await signin.waitForTimeout(1_500);
    expect(await signin.getByRole("region", { name: "Analytics consent" }).isVisible()).toBe(false);
    expect(requests).not.toContain("/rum/sdk.js");
    expect(requests).not.toContain("/v1/traces");
    await visitor.close();
  });

  it("never stamps identity on /signin, in the same signed-in browser", async () => {
    // A page without the virtual authenticator, so passkey autofill cannot sign in and leave.
    const signin = await context.newPage();
    // The sign-in form never shows the banner (it would cover the form): accept on the home page.
    await signin.goto(`${baseUrl}/`);
    await signin.getByRole("button", { name: "Accept all" }).click();
    const sdk = signin.waitForResponse((response) => new URL(response.url()).pathname === "/rum/sdk.js");
    await signin.goto(`${baseUrl}/signin`);
    expect(await signin.getByRole("region", { name: "Analytics consent" }).isVisible()).toBe(false);
    await sdk;
    await signin.waitForFunction(() => sessionStorage.getItem("sightline-rum-session") !== null);
    await expect
      .poll(() => spansOn("/signin/").length + spansOn("/signin").length, { timeout: 10_000 })
      .toBeGreaterThan(0);
    for (const span of [...spansOn("/signin/"), ...spansOn("/signin")])
      for (const name of IDENTITY) expect(span.attributes).not.toHaveProperty(name);
    await signin.close();
  });

  it("sends nothing more after Reject analytics on an /app page", async () => {
    await openMeasured(page, `/app/t/${tenantId}/members`, true);
    await page.getByRole("button", { name: "Reject analytics" }).click();
    const rejectedAt = Date.now();
    // Past the SDK's 5 s batch delay, then hide the page (its flush must not happen either).
    await page.waitForTimeout(5_500);
    await page.goto(`${baseUrl}/app/t/${tenantId}/tokens`);
    await page.waitForTimeout(1_000);
    await page.goto("about:blank");
    await page.waitForTimeout(500);
    expect(exports.filter(({ at }) => at >= rejectedAt)).toEqual([]);
  });
});
