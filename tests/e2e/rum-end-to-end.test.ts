// Issue 7 end to end on the real stack (wrangler dev + Postgres): a user signs up, creates the
// site's tenant with a frontend token for this origin, a visitor accepts analytics on the site the
// Worker serves, and the spans come back through the query API with the edge's location and no
// client address or query string.
import type { Browser, BrowserContext } from "playwright-core";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { launchBrowser } from "../support/browser.ts";
import { addVirtualAuthenticator, callApiFrom, signUpWithPasskey } from "./support/passkey-user.ts";

const baseUrl = inject("baseUrl");
let browser: Browser;
let owner: BrowserContext;
let tenantId = "";
let frontendToken = "";
let backendToken = "";

/** Calls the API from the signed-in owner's page (same origin, session cookie). */
function asOwner<T>(method: string, path: string, body?: unknown): Promise<T> {
  return callApiFrom<T>(owner.pages()[0]!, method, path, body);
}

beforeAll(async () => {
  browser = await launchBrowser();
  owner = await browser.newContext();
  const page = await owner.newPage();
  await addVirtualAuthenticator(owner, page);
  await signUpWithPasskey(page, baseUrl, {
    email: `rum-${crypto.randomUUID()}@example.com`,
    name: "Site Owner",
  });
  ({ id: tenantId } = await asOwner<{ id: string }>("POST", "/api/tenants", { name: "Sightline website" }));
  await asOwner("PUT", `/api/tenants/${tenantId}/origins`, { origins: [new URL(baseUrl).origin] });
  ({ token: frontendToken } = await asOwner<{ token: string }>("POST", `/api/tenants/${tenantId}/tokens`, {
    name: "site RUM",
    type: "frontend",
  }));
  ({ token: backendToken } = await asOwner<{ token: string }>("POST", `/api/tenants/${tenantId}/tokens`, {
    name: "test reader",
    type: "backend",
  }));
});
afterAll(() => browser?.close());

async function query<T>(path: string): Promise<T> {
  const response = await fetch(`${baseUrl}/api/tenants/${tenantId}${path}`, {
    headers: { authorization: `Bearer ${backendToken}` },
  });
  expect(response.status).toBe(200);
  return response.json() as Promise<T>;
}

type TraceList = { traces: { traceId: string; name: string }[] };
type Trace = {
  spans: { name: string; attributes: Record<string, unknown>; resource: Record<string, unknown> }[];
};

describe("the site's own RUM, end to end", () => {
  it("stores an accepted visit with cloud.region and cloudflare.colo, and no IP or query string", async () => {
    const visitor = await browser.newContext();
    // The site as built for this tenant (npm run dev builds it with PUBLIC_SIGHTLINE_RUM_TOKEN).
    await visitor.route("**/*", async (route) => {
      if (route.request().resourceType() !== "document") return route.continue();
      const response = await route.fetch();
      const html = (await response.text()).replace(
        'id="consent"',
        `id="consent" data-rum-token="${frontendToken}"`,
      );
      await route.fulfill({ response, body: html });
    });
    const page = await visitor.newPage();
    await page.goto(`${baseUrl}/pricing?email=leak%40example.com#secret`);
    await page.getByRole("button", { name: "Accept all" }).click();
    // The tenant requires consent receipts (a new tenant's default): batches wait for the receipt.
    await page.waitForFunction(() => sessionStorage.getItem("sightline-rum-session")?.includes("receipt"));
    await page.goto(`${baseUrl}/`);

    let list: TraceList = { traces: [] };
    await expect
      .poll(
        async () =>
          (list = await query<TraceList>("/traces?service=sightline-site&name=browser.page_view")).traces
            .length,
        {
          timeout: 15_000,
        },
      )
      .toBeGreaterThan(0);
    const trace = await query<Trace>(`/traces/${list.traces[0]!.traceId}`);
    const span = trace.spans[0]!;
    expect(span.name).toBe("browser.page_view");
    expect({ ...span.resource, ...span.attributes }).toMatchObject({
      "url.path": "/pricing",
      "cloud.region": expect.any(String),
      "cloudflare.colo": expect.any(String),
      "session.id": expect.stringMatching(/^[0-9a-f-]{36}$/),
    });
    const stored = JSON.stringify(trace);
    for (const leak of ["127.0.0.1", "::1", "leak", "secret", "client.address"])
      expect(stored).not.toContain(leak);
    await visitor.close();
  });
});
