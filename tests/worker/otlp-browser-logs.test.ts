// Standard browser telemetry: OpenTelemetry's own log packages (sdk-logs + the OTLP/HTTP log
// exporter, as a page using OTel's web-vitals instrumentation ships them) send with a frontend
// token. The records pass the browser privacy firewall, and `browser.web_vital` events (lower-case
// names, delta, id, navigation_type) count in the Vitals views next to Sightline SDK spans.
import { resourceFromAttributes } from "@opentelemetry/resources";
import { LoggerProvider, SimpleLogRecordProcessor } from "@opentelemetry/sdk-logs";
import { describe, expect, it } from "vitest";
import { LogsJsonExporter, LogsProtoExporter } from "./support/otel-exporters.js";
import { ORIGIN } from "./helpers.ts";
import { kv, member, read, SHOP, type Member } from "./support/query.ts";
import { postOtlp, randomHex, rowsOf, withWorkerFetch } from "./support/telemetry.ts";

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
});
