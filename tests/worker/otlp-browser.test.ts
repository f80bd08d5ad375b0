// Browser ingest (frontend tokens): CORS by the tenant's allowed origins (SECURITY G37, C19), the
// privacy firewall (allow-list, no client address, no query strings) and edge enrichment. Spans are
// sent by Sightline's own RUM exporter, as a page would send them.
import { exports } from "cloudflare:workers";
import { resourceFromAttributes } from "@opentelemetry/resources";
import { InMemorySpanExporter, SimpleSpanProcessor, TracerProvider } from "@opentelemetry/sdk-trace";
import { SpanStatusCode } from "@opentelemetry/api";
import { ExportResultCode } from "@opentelemetry/core";
import { describe, expect, it } from "vitest";
import { RumExporter } from "./support/rum-exporter.js";
import { ORIGIN } from "./helpers.ts";
import { createTenant, postOtlp, rowsOf } from "./support/telemetry.ts";

const SHOP = "https://shop.example";
const CF = { country: "DE", colo: "FRA" };

function preflight(signal: string, origin: string): Promise<Response> {
  return exports.default.fetch(
    new Request(`${ORIGIN}/v1/${signal}`, {
      method: "OPTIONS",
      headers: {
        Origin: origin,
        "Access-Control-Request-Method": "POST",
        "Access-Control-Request-Headers": "authorization, content-type",
      },
    }),
  );
}

/** Finished spans as a page's SDK would produce them, including what must never be stored. */
function browserSpans() {
  const exporter = new InMemorySpanExporter();
  const provider = new TracerProvider({
    resource: resourceFromAttributes({
      "service.name": "shop-web",
      "user_agent.original": "Mozilla/5.0",
      "client.address": "203.0.113.9",
      "host.name": "visitor-laptop",
    }),
    spanProcessors: [new SimpleSpanProcessor({ exporter })],
  });
  const span = provider.getTracer("rum").startSpan("GET /search?q=my+secret#top", {
    attributes: {
      "url.path": "/search?q=jane@example.com#results",
      "browser.page.referrer_path": "/home?utm=x",
      "browser.page.title": "Search? Results",
      "client.address": "203.0.113.9",
      "network.peer.address": "203.0.113.9",
      "http.request.body": "card=4111111111111111",
      "enduser.id": "user-1",
    },
  });
  span.addEvent("exception", {
    "exception.stacktrace": "at secret.js:1",
    "exception.message": "boom for jane",
  });
  span.setStatus({ code: SpanStatusCode.ERROR, message: "failed for jane@example.com" });
  span.end();
  return exporter.getFinishedSpans();
}

/** Sends through the RUM SDK's exporter; the "browser" adds Origin, the edge adds request.cf. */
async function sendFromBrowser(
  token: string,
  origin: string,
): Promise<{ code: number; responses: Response[] }> {
  const responses: Response[] = [];
  const exporter = new RumExporter({
    url: `${ORIGIN}/v1/traces`,
    token,
    fetch: async (input, init) => {
      const headers = new Headers(init?.headers);
      headers.set("Origin", origin);
      const request = new Request(String(input), { method: init?.method, headers, body: init?.body, cf: CF });
      const response = await exports.default.fetch(request);
      responses.push(response.clone());
      return response;
    },
  });
  const code = await new Promise<number>((resolve) =>
    exporter.export(browserSpans(), (result) => resolve(result.code)),
  );
  return { code, responses };
}

describe("browser ingest: CORS (G37)", () => {
  it("G37: a preflight from a tenant-allowed origin gets the exact origin back and no credentials", async () => {
    await createTenant([SHOP]);
    const response = await preflight("traces", SHOP);
    expect(response.status).toBe(204);
    expect(response.headers.get("Access-Control-Allow-Origin")).toBe(SHOP);
    expect(response.headers.get("Access-Control-Allow-Credentials")).toBeNull();
    expect(response.headers.get("Access-Control-Allow-Methods")).toBe("POST");
    expect(response.headers.get("Access-Control-Allow-Headers")).toMatch(/Authorization/i);
    expect(response.headers.get("Vary")).toMatch(/Origin/);
  });

  it("G37: a preflight from any other origin gets no ACAO", async () => {
    await createTenant([SHOP]);
    for (const origin of ["https://evil.example", "null", `${SHOP}.evil.example`, "http://shop.example"]) {
      const response = await preflight("traces", origin);
      expect(response.headers.get("Access-Control-Allow-Origin"), origin).toBeNull();
    }
  });

  it("G37: a preflight for metrics gets no ACAO, even from an allowed origin; logs get the exact one", async () => {
    await createTenant([SHOP]);
    expect((await preflight("metrics", SHOP)).headers.get("Access-Control-Allow-Origin")).toBeNull();
    expect((await preflight("logs", SHOP)).headers.get("Access-Control-Allow-Origin")).toBe(SHOP);
  });

  it("G37: spans from an allowed origin are accepted with the exact ACAO and no credentials", async () => {
    const tenant = await createTenant([SHOP]);
    const { code, responses } = await sendFromBrowser(tenant.frontend, SHOP);
    expect(code).toBe(ExportResultCode.SUCCESS);
    expect(responses[0].status).toBe(200);
    expect(responses[0].headers.get("Access-Control-Allow-Origin")).toBe(SHOP);
    expect(responses[0].headers.get("Access-Control-Allow-Credentials")).toBeNull();
    expect(responses[0].headers.get("Access-Control-Expose-Headers")).toMatch(/Retry-After/);
  });

  it("G37: spans from an origin another tenant allows are refused for this tenant's token", async () => {
    const tenant = await createTenant([SHOP]);
    await createTenant(["https://other.example"]);
    const { code, responses } = await sendFromBrowser(tenant.frontend, "https://other.example");
    expect(code).toBe(ExportResultCode.FAILED);
    expect(responses[0].status).toBe(403);
    expect(responses[0].headers.get("Access-Control-Allow-Origin")).toBeNull();
    expect(await rowsOf(tenant.id, "select 1 from spans")).toEqual([]);
  });

  it("a frontend token without an Origin is refused", async () => {
    const tenant = await createTenant([SHOP]);
    const response = await postOtlp("traces", "{}", {
      token: tenant.frontend,
      contentType: "application/json",
    });
    expect(response.status).toBe(403);
  });
});

describe("browser ingest: the privacy firewall", () => {
  it("stores only allow-listed attributes: client addresses, bodies and unknown names are dropped", async () => {
    const tenant = await createTenant([SHOP]);
    await sendFromBrowser(tenant.frontend, SHOP);
    const [span] = await rowsOf(tenant.id, "select * from spans");
    expect(span.source).toBe("frontend");
    expect(Object.keys(span.attributes).sort()).toEqual(
      [
        "browser.page.referrer_path",
        "browser.page.title",
        "cloud.region",
        "cloudflare.colo",
        "enduser.id",
        "url.path",
      ].sort(),
    );
    expect(span.resource).toEqual({ "service.name": "shop-web", "user_agent.original": "Mozilla/5.0" });
    expect(JSON.stringify(span)).not.toMatch(/203\.0\.113\.9|4111|visitor-laptop/);
  });

  it("strips query strings and fragments from paths and the span name, but not from other text", async () => {
    const tenant = await createTenant([SHOP]);
    await sendFromBrowser(tenant.frontend, SHOP);
    const [span] = await rowsOf(tenant.id, "select * from spans");
    expect(span.name).toBe("GET /search");
    expect(span.attributes["url.path"]).toBe("/search");
    expect(span.attributes["browser.page.referrer_path"]).toBe("/home");
    expect(span.attributes["browser.page.title"]).toBe("Search? Results");
  });

  it("drops free text that could hold personal data: status messages, event and link attributes", async () => {
    const tenant = await createTenant([SHOP]);
    await sendFromBrowser(tenant.frontend, SHOP);
    const [span] = await rowsOf(tenant.id, "select * from spans");
    expect(span.status_code).toBe(2);
    expect(span.status_message).toBeNull();
    expect(span.events).toEqual([{ time: expect.any(String), name: "exception" }]);
    expect(JSON.stringify(span)).not.toMatch(/jane|secret/);
  });

  it("enriches browser spans with cloud.region from the request's country and cloudflare.colo from the colo", async () => {
    const tenant = await createTenant([SHOP]);
    await sendFromBrowser(tenant.frontend, SHOP);
    const [span] = await rowsOf(tenant.id, "select * from spans");
    expect(span.attributes["cloud.region"]).toBe("DE");
    expect(span.attributes["cloudflare.colo"]).toBe("FRA");
  });

  it("backend spans are stored as sent (the firewall is for browser data only)", async () => {
    const tenant = await createTenant();
    const { code } = await sendFromBrowser(tenant.backend, SHOP);
    expect(code).toBe(ExportResultCode.SUCCESS);
    const [span] = await rowsOf(tenant.id, "select * from spans");
    expect(span.source).toBe("backend");
    expect(span.attributes["http.request.body"]).toBe("card=4111111111111111");
    expect(span.attributes["cloud.region"]).toBeUndefined();
  });
});
