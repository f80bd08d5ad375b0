// Standard browser telemetry: OpenTelemetry's own log packages (sdk-logs + the OTLP/HTTP log
// exporter, as a page using OTel's web-vitals instrumentation ships them) send with a frontend
// token. The records pass the browser privacy firewall, and `browser.web_vital` events (lower-case
// names, delta, id, navigation_type) count in the Vitals views next to Sightline SDK spans.
import { resourceFromAttributes } from "@opentelemetry/resources";
import { LoggerProvider, SimpleLogRecordProcessor } from "@opentelemetry/sdk-logs";
import { describe, expect, it } from "vitest";
import { LogsJsonExporter, LogsProtoExporter } from "./support/otel-exporters.js";
import { ORIGIN } from "./helpers.ts";
import { problemOf } from "./helpers.ts";
import { api } from "./support/accounts.ts";
import { kv, member, read, SHOP, type Member } from "./support/query.ts";
import { postOtlp, randomHex, rowsOf, withWorkerFetch } from "./support/telemetry.ts";
import { as, tenantWithRoles } from "./support/tenancy.ts";

const SESSION = crypto.randomUUID();

async function sendBrowserLogs(
  m: Member,
  Exporter: typeof LogsJsonExporter | typeof LogsProtoExporter,
  emit: (logger: ReturnType<LoggerProvider["getLogger"]>) => void,
): Promise<void> {
  const provider = new LoggerProvider({
    resource: resourceFromAttributes({
      "service.name": "shop-web",
      "session.id": SESSION,
      "client.address": "203.0.113.9",
      "browser.mobile": true,
    }),
    processors: [
      new SimpleLogRecordProcessor({
        exporter: new Exporter({
          url: `${ORIGIN}/v1/logs`,
          headers: { Authorization: `Bearer ${m.frontend}`, Origin: SHOP },
        }),
      }),
    ],
  });
  await withWorkerFetch(async () => {
    emit(provider.getLogger("@opentelemetry/instrumentation-web-vitals"));
    await provider.forceFlush();
  });
  await provider.shutdown();
}

/** A web vital as OpenTelemetry's web-vitals instrumentation emits it (semantic conventions). */
function webVital(name: string, value: number, extra: Record<string, string | number> = {}) {
  return {
    eventName: "browser.web_vital",
    attributes: {
      "browser.web_vital.name": name,
      "browser.web_vital.value": value,
      "browser.web_vital.delta": value,
      "browser.web_vital.id": `v5-${randomHex(6)}`,
      "browser.web_vital.navigation_type": "navigate",
      "browser.web_vital.rating": "good",
      "url.path": "/pricing/42",
      ...extra,
    },
  };
}

describe("browser logs (frontend tokens)", () => {
  for (const [encoding, Exporter] of [
    ["JSON", LogsJsonExporter],
    ["protobuf", LogsProtoExporter],
  ] as const) {
    it(`browser.web_vital log events from the ${encoding} exporter count in the Vitals views next to SDK spans`, async () => {
      const m = await member();
      await sendBrowserLogs(m, Exporter, (logger) => {
        logger.emit(webVital("lcp", 2600));
        logger.emit(webVital("inp", 120));
        logger.emit(webVital("cls", 0.02));
      });
      // The same tenant's Sightline SDK sends an LCP as a span.
      const span = {
        traceId: randomHex(16),
        spanId: randomHex(8),
        name: "browser.web_vital",
        kind: 1,
        startTimeUnixNano: (BigInt(Date.now() - 1) * 1_000_000n).toString(),
        endTimeUnixNano: (BigInt(Date.now()) * 1_000_000n).toString(),
        attributes: [
          kv("url.path", "/pricing/7"),
          kv("browser.web_vital.name", "LCP"),
          kv("browser.web_vital.value", 1500),
        ],
      };
      const sent = await postOtlp(
        "traces",
        JSON.stringify({
          resourceSpans: [{ resource: { attributes: [] }, scopeSpans: [{ spans: [span] }] }],
        }),
        { token: m.frontend, contentType: "application/json", origin: SHOP },
      );
      expect(sent.status).toBe(200);
      const vitals = await (
        await read(m, "/rum/vitals")
      ).json<{
        overall: Record<string, { samples: number }>;
        routes: { route: string; vitals: Record<string, { samples: number }> }[];
        breakdowns: { device: { value: string; samples: number }[] };
      }>();
      expect(vitals.overall.LCP.samples).toBe(2);
      expect(vitals.overall.INP.samples).toBe(1);
      expect(vitals.overall.CLS.samples).toBe(1);
      expect(vitals.routes.map((r) => r.route)).toEqual(["/pricing/:id"]);
      expect(vitals.breakdowns.device).toContainEqual({
        value: "mobile",
        samples: 3,
        vitals: expect.any(Object),
      });
    });
  }

  it("privacy: browser log records keep only allow-listed attributes, no identity and no free text", async () => {
    const m = await member();
    await sendBrowserLogs(m, LogsJsonExporter, (logger) => {
      logger.emit({
        severityNumber: 17,
        severityText: "ERROR for jane@example.com",
        body: "checkout failed for jane@example.com, card 4111111111111111",
        attributes: {
          "url.path": "/search?q=jane@example.com",
          "user.email": "jane@example.com",
          "enduser.id": "user-1",
          "exception.stacktrace": "at secret.js:1",
          "browser.page.title": "x".repeat(5000),
        },
      });
    });
    const [row] = await rowsOf(
      m.tenantId,
      "select body, severity_text, attributes, resource from log_records",
    );
    expect(row.body).toBeNull();
    expect(row.severity_text).toBeNull();
    expect(row.attributes).toEqual({ "url.path": "/search", "browser.page.title": "x".repeat(512) });
    expect(row.resource).toEqual({
      "service.name": "shop-web",
      "session.id": SESSION,
      "browser.mobile": true,
    });
  });

  it("browser-log-text-only-when-the-owner-allows-it: kept (capped) from the next batch, dropped again once turned off", async () => {
    const m = await member();
    const privacy = `/api/tenants/${m.tenantId}/rum/privacy`;
    expect(await (await api(privacy, { cookie: m.cookie })).json()).toEqual({ browserLogText: false });
    const set = async (browserLogText: boolean) => {
      const response = await api(privacy, { method: "PUT", json: { browserLogText }, cookie: m.cookie });
      expect(response.status).toBe(200);
      expect(await response.json()).toEqual({ browserLogText });
    };
    const emit = (text: string) =>
      sendBrowserLogs(m, LogsJsonExporter, (logger) => {
        logger.emit({
          severityNumber: 17,
          severityText: `ERROR ${text}`,
          body: { message: text, detail: "y".repeat(3000) },
          attributes: { "url.path": "/cart?id=7", "enduser.id": "user-1", "user.email": "jane@example.com" },
        });
      });
    await set(true);
    await emit("first");
    await set(false);
    await emit("second");
    const rows = await rowsOf<{ body: string | null; severity_text: string | null; attributes: object }>(
      m.tenantId,
      "select body, severity_text, attributes from log_records order by time",
    );
    expect(rows).toHaveLength(2);
    const [kept, dropped] = rows;
    expect(kept.severity_text).toBe("ERROR first");
    expect(kept.body).toBe(JSON.stringify({ message: "first", detail: "y".repeat(3000) }).slice(0, 2048));
    // Opting in to text changes nothing else the firewall does.
    expect(kept.attributes).toEqual({ "url.path": "/cart" });
    expect(dropped).toEqual({ body: null, severity_text: null, attributes: { "url.path": "/cart" } });
  });

  it("only owners choose whether browser log records keep their text; bad bodies are refused; changes are audited", async () => {
    const tenant = await tenantWithRoles();
    const path = `/api/tenants/${tenant.id}/rum/privacy`;
    for (const role of ["admin", "member"] as const) {
      const denied = await as(tenant.users[role], path, { method: "PUT", json: { browserLogText: true } });
      expect(denied.status, role).toBe(403);
      expect((await problemOf(denied)).code).toBe("ROLE_REQUIRED");
      expect((await as(tenant.users[role], path)).status, role).toBe(403);
    }
    for (const json of [{ browserLogText: "yes" }, {}, { browserLogText: true, extra: 1 }]) {
      const bad = await as(tenant.users.owner, path, { method: "PUT", json });
      expect(bad.status, JSON.stringify(json)).toBe(400);
      expect((await problemOf(bad)).code).toBe("INVALID_REQUEST");
    }
    expect(await (await as(tenant.users.owner, path)).json()).toEqual({ browserLogText: false });
    const put = await as(tenant.users.owner, path, { method: "PUT", json: { browserLogText: true } });
    expect(put.status).toBe(200);
    expect(await (await as(tenant.users.owner, path)).json()).toEqual({ browserLogText: true });
    const audit = await (
      await as(tenant.users.owner, `/api/tenants/${tenant.id}/audit`)
    ).json<{ action: string; details: unknown }[]>();
    expect(audit.filter((event) => event.action === "rum_privacy.changed").map((e) => e.details)).toEqual([
      { browserLogText: true },
    ]);
  });
});
