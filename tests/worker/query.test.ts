// The telemetry query API: what was ingested is read back by a member's session or the tenant's
// backend token, never by a frontend token or another tenant (SECURITY D20, D22).
import { describe, expect, it } from "vitest";
import { api } from "./support/accounts.ts";
import { call } from "./helpers.ts";
import { JSON_TYPE, kv, member, read, sendSpans, span } from "./support/query.ts";
import { createTenant, nowNanos, postOtlp, randomHex } from "./support/telemetry.ts";

describe("telemetry query: traces", () => {
  it("lists traces by root span with filters (service, status, min duration) and keyset pagination", async () => {
    const m = await member();
    const slowError = randomHex(16);
    const root = span("GET /checkout", { traceId: slowError, ms: 900, status: 2 });
    await sendSpans(m.backend, "checkout", [
      root,
      span("SELECT", { traceId: slowError, parent: root.spanId, status: 2 }),
    ]);
    await sendSpans(m.backend, "search", [
      span("GET /search", { ms: 5 }),
      span("GET /search", { ms: 7, agoMs: 1000 }),
    ]);

    const all = await (
      await read(m, "/traces")
    ).json<{
      traces: {
        traceId: string;
        spanCount: number;
        errorCount: number;
        status: string;
        durationMs: number;
      }[];
    }>();
    expect(all.traces).toHaveLength(3);
    const checkout = all.traces.find((t) => t.traceId === slowError)!;
    expect(checkout).toMatchObject({ spanCount: 2, errorCount: 2, status: "error", durationMs: 900 });

    const errors = await (await read(m, "/traces?status=error")).json<{ traces: unknown[] }>();
    expect(errors.traces).toHaveLength(1);
    const slow = await (await read(m, "/traces?minDurationMs=100")).json<{ traces: { traceId: string }[] }>();
    expect(slow.traces.map((t) => t.traceId)).toEqual([slowError]);
    const search = await (await read(m, "/traces?service=search")).json<{ traces: unknown[] }>();
    expect(search.traces).toHaveLength(2);

    const first = await (
      await read(m, "/traces?limit=2")
    ).json<{ traces: { traceId: string }[]; nextCursor: string }>();
    expect(first.traces).toHaveLength(2);
    const second = await (
      await read(m, `/traces?limit=2&cursor=${first.nextCursor}`)
    ).json<{ traces: { traceId: string }[]; nextCursor: string | null }>();
    expect(second.traces).toHaveLength(1);
    expect(second.nextCursor).toBeNull();
    expect(new Set([...first.traces, ...second.traces].map((t) => t.traceId)).size).toBe(3);
  });

  it("returns one trace with all its spans in start order", async () => {
    const m = await member();
    const traceId = randomHex(16);
    const root = span("root", { traceId, ms: 50 });
    await sendSpans(m.backend, "svc", [span("child", { traceId, parent: root.spanId, ms: 5 }), root]);
    const response = await read(m, `/traces/${traceId}`, "token");
    expect(response.status).toBe(200);
    const trace = await response.json<{ spans: { name: string; parentSpanId: string | null }[] }>();
    expect(trace.spans.map((s) => [s.name, s.parentSpanId])).toEqual([
      ["root", null],
      ["child", root.spanId],
    ]);
    expect((await read(m, `/traces/${randomHex(16)}`)).status).toBe(404);
  });

  it("one trace within from/to: only its spans that start in the range; none there → 404", async () => {
    const m = await member();
    const traceId = randomHex(16);
    const root = span("root", { traceId, ms: 50 });
    const earlier = span("earlier child", { traceId, parent: root.spanId, agoMs: 2 * 3600_000 });
    await sendSpans(m.backend, "svc", [root, earlier]);
    const names = async (query: string) =>
      (
        await (await read(m, `/traces/${traceId}${query}`, "token")).json<{ spans: { name: string }[] }>()
      ).spans.map((s) => s.name);
    const ago = (hours: number) => new Date(Date.now() - hours * 3600_000).toISOString();
    expect(await names("")).toEqual(["earlier child", "root"]);
    expect(await names(`?from=${ago(1)}`)).toEqual(["root"]);
    expect(await names(`?from=${ago(3)}&to=${ago(1)}`)).toEqual(["earlier child"]);
    const outside = await read(m, `/traces/${traceId}?to=${ago(3)}`, "token");
    expect(outside.status).toBe(404);
    expect((await outside.json<{ code: string }>()).code).toBe("TRACE_NOT_FOUND");
    for (const [query, field] of [
      ["from=yesterday", "from"],
      [`from=${ago(1)}&to=${ago(2)}`, "from"],
      ["at=2026-01-01T00:00:00Z", "at"],
    ]) {
      const response = await read(m, `/traces/${traceId}?${query}`, "token");
      expect(response.status, query).toBe(400);
      const problem = await response.json<{ code: string; detail: string }>();
      expect(problem.code).toBe("INVALID_REQUEST");
      expect(problem.detail).toMatch(field);
    }
  });

  it("D20: another tenant's member or backend token gets 404, whatever ids they know", async () => {
    const owner = await member();
    const traceId = randomHex(16);
    await sendSpans(owner.backend, "svc", [span("secret", { traceId })]);
    const stranger = await member();
    const bySession = await api(`/api/tenants/${owner.tenantId}/traces/${traceId}`, {
      cookie: stranger.cookie,
    });
    expect(bySession.status).toBe(404);
    const byToken = await call(`/api/tenants/${owner.tenantId}/traces`, {
      headers: { Authorization: `Bearer ${stranger.backend}` },
    });
    expect(byToken.status).toBe(404);
    const ownTenantPath = await call(`/api/tenants/${stranger.tenantId}/traces/${traceId}`, {
      headers: { Authorization: `Bearer ${stranger.backend}` },
    });
    expect(ownTenantPath.status).toBe(404);
  });

  it("D22: a frontend token can read nothing", async () => {
    const m = await member();
    const response = await call(`/api/tenants/${m.tenantId}/traces`, {
      headers: { Authorization: `Bearer ${m.frontend}` },
    });
    expect(response.status).toBe(403);
    expect((await response.json<{ code: string }>()).code).toBe("TOKEN_NOT_ALLOWED");
  });

  it("without a session or token the query API answers 401", async () => {
    const { id } = await createTenant();
    expect((await call(`/api/tenants/${id}/traces`)).status).toBe(401);
  });

  it("invalid parameters answer 400 INVALID_REQUEST naming the field", async () => {
    const m = await member();
    for (const query of [
      "from=yesterday",
      "limit=0",
      "status=bad",
      "minDurationMs=-1",
      "cursor=%%%",
      // A well-formed cursor whose span id is not 16 hex characters (ids are decoded to bytes).
      `cursor=${btoa(JSON.stringify([new Date().toISOString(), "not-hex"])).replaceAll("=", "")}`,
      "from=2020-01-01T00:00:00Z",
    ]) {
      const response = await read(m, `/traces?${query}`);
      expect(response.status, query).toBe(400);
      const problem = await response.json<{ code: string; detail: string }>();
      expect(problem.code).toBe("INVALID_REQUEST");
      expect(problem.detail).toMatch(
        new RegExp(query.split("=")[0] === "minDurationMs" ? "minDurationMs" : query.split("=")[0]),
      );
    }
  });
});

describe("telemetry query: logs and metrics", () => {
  it("searches logs by severity, service and text, newest first", async () => {
    const m = await member();
    const record = (severityNumber: number, body: string, agoMs: number) => ({
      timeUnixNano: nowNanos(-agoMs),
      severityNumber,
      severityText: severityNumber >= 17 ? "ERROR" : "INFO",
      body: { stringValue: body },
    });
    const body = JSON.stringify({
      resourceLogs: [
        {
          resource: { attributes: [kv("service.name", "billing")] },
          scopeLogs: [{ logRecords: [record(17, "payment 100% declined", 10), record(9, "payment ok", 20)] }],
        },
        {
          resource: { attributes: [kv("service.name", "search")] },
          scopeLogs: [{ logRecords: [record(17, "index down", 30)] }],
        },
      ],
    });
    expect((await postOtlp("logs", body, { token: m.backend, contentType: JSON_TYPE })).status).toBe(200);
    const errors = await (await read(m, "/logs?severity=17")).json<{ logs: { body: string }[] }>();
    expect(errors.logs.map((l) => l.body)).toEqual(["payment 100% declined", "index down"]);
    const billing = await (await read(m, "/logs?service=billing")).json<{ logs: unknown[] }>();
    expect(billing.logs).toHaveLength(2);
    const text = await (
      await read(m, `/logs?q=${encodeURIComponent("100%")}`, "token")
    ).json<{ logs: { body: string }[] }>();
    expect(text.logs.map((l) => l.body)).toEqual(["payment 100% declined"]);
  });

  it("lists metric names and returns a series per attribute set", async () => {
    const m = await member();
    const point = (value: number, route: string, agoMs: number) => ({
      timeUnixNano: nowNanos(-agoMs),
      asDouble: value,
      attributes: [kv("route", route)],
    });
    const body = JSON.stringify({
      resourceMetrics: [
        {
          resource: { attributes: [kv("service.name", "api")] },
          scopeMetrics: [
            {
              metrics: [
                {
                  name: "cpu",
                  unit: "1",
                  gauge: {
                    dataPoints: [point(0.5, "/a", 1000), point(0.7, "/a", 200_000), point(0.1, "/b", 1000)],
                  },
                },
              ],
            },
          ],
        },
      ],
    });
    expect((await postOtlp("metrics", body, { token: m.backend, contentType: JSON_TYPE })).status).toBe(200);
    const names = await (await read(m, "/metrics")).json<{ metrics: { name: string; type: string }[] }>();
    expect(names.metrics).toEqual([{ name: "cpu", unit: "1", type: "gauge" }]);
    const series = await (
      await read(m, `/metrics/cpu?step=60&from=${new Date(Date.now() - 3600_000).toISOString()}`)
    ).json<{ series: { attributes: { route: string }; points: { value: number }[] }[] }>();
    const byRoute = Object.fromEntries(
      series.series.map((s) => [s.attributes.route, s.points.map((p) => p.value)]),
    );
    // Every step of the hour is there; steps without a point are null (a gap, not a zero).
    expect(byRoute["/a"]).toContain(null);
    expect(byRoute["/b"].filter((value) => value !== null)).toEqual([0.1]);
    expect(byRoute["/a"].filter((value) => value !== null)).toEqual([0.7, 0.5]);
  });
});

describe("telemetry query: RUM", () => {
  it("computes the p75 of each Web Vital per route with its rating, and over time", async () => {
    const m = await member();
    const vital = (path: string, name: string, value: number) =>
      span("browser.web_vital", {
        attributes: { "url.path": path, "browser.web_vital.name": name, "browser.web_vital.value": value },
      });
    await sendSpans(
      m.frontend,
      "shop-web",
      [
        ...[1000, 2000, 3000, 4000].map((value) => vital("/pricing", "LCP", value)),
        vital("/pricing", "CLS", 0.05),
        vital("/", "LCP", 1200),
        vital("/", "INP", 800),
      ],
      true,
    );
    const report = await (
      await read(m, "/rum/vitals")
    ).json<{
      overall: Record<string, { p75: number; samples: number; rating: string }>;
      routes: { route: string; vitals: Record<string, { p75: number; rating: string }> }[];
      series: Record<string, { p75: number }[]>;
      thresholds: Record<string, { good: number; poor: number }>;
    }>();
    // From the rollups' sketch: within 2 % of percentile_cont (3250, 0.05).
    const pricing = report.routes.find((p) => p.route === "/pricing")!;
    expect(pricing.vitals.LCP.rating).toBe("needs-improvement");
    expect(Math.abs(pricing.vitals.LCP.p75 - 3250) / 3250).toBeLessThanOrEqual(0.02);
    expect(pricing.vitals.CLS.rating).toBe("good");
    expect(Math.abs(pricing.vitals.CLS.p75 - 0.05) / 0.05).toBeLessThanOrEqual(0.02);
    expect(report.routes.find((p) => p.route === "/")!.vitals.INP.rating).toBe("poor");
    expect(report.overall.LCP.samples).toBe(5);
    expect(
      report.series.LCP.reduce((n, point) => n + (point as unknown as { samples: number }).samples, 0),
    ).toBe(5);
    expect(report.thresholds.LCP).toMatchObject({ good: 2500, poor: 4000 });
  });

  it("counts page views per route and over time, and the top countries and colos", async () => {
    const m = await member();
    const view = (path: string) => span("browser.page_view", { attributes: { "url.path": path } });
    await sendSpans(m.frontend, "shop-web", [view("/"), view("/"), view("/pricing?ref=ad")], true);
    const pages = await (
      await read(m, "/rum/pages")
    ).json<{ total: number; routes: { route: string; views: number }[] }>();
    expect(pages.total).toBe(3);
    expect(pages.routes).toEqual([
      { route: "/", views: 2 },
      { route: "/pricing", views: 1 },
    ]);
    const geo = await (await read(m, "/rum/geo")).json<{ countries: unknown[]; colos: unknown[] }>();
    expect(geo.countries).toEqual([{ country: "DE", views: 3 }]);
    expect(geo.colos).toEqual([{ colo: "FRA", views: 3 }]);
  });
});
