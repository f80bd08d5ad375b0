// The OpenAPI document's response schemas are what the routes really answer: the main routes are
// called for real (signed in, with telemetry ingested) and each JSON body is validated against the
// schema the committed document declares for that route and status (JSON Schema 2020-12, by a
// validator that needs no code generation, so it runs in workerd). A route whose answer drifts from
// worker/src/openapi/responses.ts, or a document not rebuilt since, fails here.
import { Validator, type Schema } from "@cfworker/json-schema";
import { describe, expect, it } from "vitest";
import committed from "../../site/public/openapi.json";
import { api, type ApiInit } from "./support/accounts.ts";
import { call } from "./helpers.ts";
import { JSON_TYPE, kv, member, sendSpans, span, type Member } from "./support/query.ts";
import { signedInUser } from "./support/tenancy.ts";
import { nowNanos, postOtlp, randomHex, settleIngest } from "./support/telemetry.ts";
import { totpCode } from "./support/totp.ts";

type Operation = { responses: Record<string, { content?: Record<string, { schema?: Schema }> }> };
// The components as $defs of each response schema: a $ref resolves inside the schema it is in.
const document = JSON.parse(JSON.stringify(committed).replaceAll("#/components/schemas/", "#/$defs/")) as {
  paths: Record<string, Record<string, Operation>>;
  components: { schemas: Record<string, Schema> };
};

/** "GET /api/tenants/:tid" → the success status and JSON body schema the document declares. */
function declared(route: string): { status: number; schema: Schema } {
  const [method, path] = route.split(" ");
  const operation = document.paths[path.replace(/:(\w+)/g, "{$1}")]?.[method.toLowerCase()];
  expect(operation, `${route} is in the document`).toBeDefined();
  const [status, response] = Object.entries(operation.responses).find(([code]) => code < "300")!;
  const schema = response.content?.["application/json"]?.schema;
  expect(schema, `${route} declares its ${status} body`).toBeDefined();
  return { status: Number(status), schema: { ...schema, $defs: document.components.schemas } };
}

/** The validation errors of `body` against the route's declared success body. */
function violations(route: string, body: unknown) {
  const result = new Validator(declared(route).schema, "2020-12", false).validate(body);
  return result.errors.map(({ instanceLocation, error }) => `${instanceLocation}: ${error}`);
}

/**
 * Calls the route (":name" filled from `params`), expects the declared success status and a body
 * the declared schema accepts, and returns the body.
 */
async function answer<T = Record<string, unknown>>(
  route: string,
  params: Record<string, string>,
  init: ApiInit = {},
): Promise<T> {
  const [method, template] = route.split(" ");
  const path = template.replace(/:(\w+)/g, (_, name: string) => encodeURIComponent(params[name]));
  const response = await api(path + (params.query ?? ""), { method, ...init });
  const text = await response.text();
  expect(response.status, `${route}: ${text}`).toBe(declared(route).status);
  const body = JSON.parse(text) as T;
  expect(violations(route, body), `${route} answers what the document declares`).toEqual([]);
  return body;
}

const traceId = randomHex(16);

/** A member whose tenant has a trace, logs, a gauge and browser page views and vitals. */
async function memberWithTelemetry(): Promise<Member> {
  const m = await member();
  const root = {
    ...span("GET /checkout", { traceId, ms: 120, attributes: { "http.route": "/checkout" } }),
    events: [{ timeUnixNano: nowNanos(-50), name: "retry", attributes: [kv("attempt", 2)] }],
    links: [{ traceId: randomHex(16), spanId: randomHex(8) }],
  };
  await sendSpans(m.backend, "checkout", [
    root,
    span("SELECT", { traceId, parent: root.spanId, status: 2, kind: 3 }),
  ]);
  const logs = JSON.stringify({
    resourceLogs: [
      {
        resource: { attributes: [kv("service.name", "checkout")] },
        scopeLogs: [
          {
            logRecords: [
              { timeUnixNano: nowNanos(-1000), severityNumber: 17, body: { stringValue: "card declined" } },
              { timeUnixNano: nowNanos(-2000), severityNumber: 9, traceId, spanId: root.spanId },
            ],
          },
        ],
      },
    ],
  });
  expect((await postOtlp("logs", logs, { token: m.backend, contentType: JSON_TYPE })).status).toBe(200);
  const metrics = JSON.stringify({
    resourceMetrics: [
      {
        resource: { attributes: [kv("service.name", "checkout")] },
        scopeMetrics: [
          {
            metrics: [
              {
                name: "cpu",
                unit: "1",
                gauge: { dataPoints: [{ timeUnixNano: nowNanos(-5000), asDouble: 0.5 }] },
              },
            ],
          },
        ],
      },
    ],
  });
  expect((await postOtlp("metrics", metrics, { token: m.backend, contentType: JSON_TYPE })).status).toBe(200);
  const vital = (name: string, value: number) =>
    span("browser.web_vital", {
      attributes: {
        "url.path": "/pricing",
        "browser.web_vital.name": name,
        "browser.web_vital.value": value,
      },
    });
  await sendSpans(
    m.frontend,
    "shop-web",
    [
      span("browser.page_view", { attributes: { "url.path": "/pricing" } }),
      vital("LCP", 2100),
      vital("CLS", 0.02),
      vital("INP", 300),
    ],
    true,
  );
  await settleIngest();
  return m;
}

describe("OpenAPI response schemas: session routes", () => {
  it("openapi: /api/me, tenants, members, invitations, tokens, origins, audit, consent answer as declared", async () => {
    const m = await member();
    const cookie = m.cookie;
    const tid = m.tenantId;
    const me = await answer<{ memberships: unknown[] }>("GET /api/me", {}, { cookie });
    expect(me.memberships).toHaveLength(1);
    expect(await answer<unknown[]>("GET /api/tenants", {}, { cookie })).toHaveLength(1);
    await answer("GET /api/tenants/:tid", { tid }, { cookie });
    await answer("PATCH /api/tenants/:tid", { tid }, { method: "PATCH", json: { name: "Shop 2" }, cookie });
    await answer("GET /api/tenants/:tid/members", { tid }, { cookie });

    const invitee = await signedInUser(undefined, { verified: true });
    const invitation = await answer<{ token: string }>(
      "POST /api/tenants/:tid/invitations",
      { tid },
      { json: { email: invitee.email, role: "member" }, cookie },
    );
    await answer("GET /api/tenants/:tid/invitations", { tid }, { cookie });
    await answer(
      "POST /api/invitations/:token/accept",
      { token: invitation.token },
      { method: "POST", cookie: invitee.cookie },
    );
    await answer(
      "PATCH /api/tenants/:tid/members/:uid",
      { tid, uid: invitee.id },
      { method: "PATCH", json: { role: "admin" }, cookie },
    );

    await answer(
      "POST /api/tenants/:tid/tokens",
      { tid },
      { json: { name: "ci", type: "backend", description: "deploys" }, cookie },
    );
    expect(await answer<unknown[]>("GET /api/tenants/:tid/tokens", { tid }, { cookie })).toHaveLength(3);
    await answer("GET /api/tenants/:tid/origins", { tid }, { cookie });
    await answer(
      "PUT /api/tenants/:tid/origins",
      { tid },
      { method: "PUT", json: { origins: ["https://shop.example"] }, cookie },
    );
    await answer("GET /api/tenants/:tid/rum/routes", { tid }, { cookie });
    await answer("GET /api/tenants/:tid/rum/privacy", { tid }, { cookie });
    await answer("GET /api/tenants/:tid/limits", { tid }, { cookie });
    await answer("GET /api/tenants/:tid/retention", { tid }, { cookie });
    await answer("GET /api/tenants/:tid/consent", { tid }, { cookie });
    await answer(
      "PUT /api/tenants/:tid/consent",
      { tid },
      { method: "PUT", json: { required: true }, cookie },
    );
    await answer("GET /api/tenants/:tid/consent/log", { tid }, { cookie });
    await answer("GET /api/tenants/:tid/consent/receipts", { tid }, { cookie });
    const audit = await answer<unknown[]>("GET /api/tenants/:tid/audit", { tid }, { cookie });
    expect(audit.length).toBeGreaterThan(3);
  });

  it("openapi: sessions, passkeys, TOTP, recovery codes and the account export answer as declared", async () => {
    const { cookie } = await member();
    const sessions = await answer<{ current: boolean }[]>("GET /api/sessions", {}, { cookie });
    expect(sessions.filter((session) => session.current)).toHaveLength(1);
    const [passkey] = await answer<{ id: string }[]>("GET /api/auth/passkeys", {}, { cookie });
    await answer("PATCH /api/auth/passkeys/:id", passkey, {
      method: "PATCH",
      json: { name: "Laptop" },
      cookie,
    });
    await answer("POST /api/auth/passkeys/options", {}, { method: "POST", cookie });
    await answer("POST /api/auth/passkey/options", {}, { json: {} });
    await answer("POST /api/auth/signup/options", {}, { json: { email: "new@example.com", name: "New" } });
    const { secret } = await answer<{ secret: string }>(
      "POST /api/auth/totp/setup",
      {},
      { method: "POST", cookie },
    );
    const enabled = await api("/api/auth/totp/enable", { json: { code: await totpCode(secret) }, cookie });
    expect(enabled.status).toBe(204);
    expect((await answer<{ totpEnabled: boolean }>("GET /api/me", {}, { cookie })).totpEnabled).toBe(true);
    const { codes } = await answer<{ codes: string[] }>(
      "POST /api/auth/recovery-codes",
      {},
      { method: "POST", cookie },
    );
    expect(codes).toHaveLength(10);
    await answer("GET /api/account/export", {}, { cookie });
    await answer("GET /api/health", {});
    await answer("GET /api/openapi.json", {});
  });
});

describe("OpenAPI response schemas: telemetry reads", () => {
  it("openapi: traces, a trace, services, logs, metrics and RUM reports answer as declared", async () => {
    const m = await memberWithTelemetry();
    const init = { cookie: m.cookie };
    const tid = m.tenantId;
    const read = <T = Record<string, unknown>>(route: string, params: Record<string, string> = {}) =>
      answer<T>(`GET /api/tenants/:tid${route}`, { tid, ...params }, init);

    const { traces } = await read<{ traces: { traceId: string }[] }>("/traces");
    expect(traces.map((trace) => trace.traceId)).toContain(traceId);
    const { spans } = await read<{ spans: { events: unknown[] }[] }>("/traces/:traceId", { traceId });
    expect(spans.map((span) => span.events.length).sort()).toEqual([0, 1]);
    expect((await read<{ services: unknown[] }>("/services")).services.length).toBeGreaterThan(0);
    expect((await read<{ logs: unknown[] }>("/logs")).logs).toHaveLength(2);
    await read("/logs/severity");
    expect((await read<{ metrics: unknown[] }>("/metrics")).metrics).toHaveLength(1);
    const from = new Date(Date.now() - 3600_000).toISOString();
    const cpu = await read<{ series: unknown[] }>("/metrics/:name", { name: "cpu", query: `?from=${from}` });
    expect(cpu.series).toHaveLength(1);
    const vitals = await read<{ overall: Record<string, unknown> }>("/rum/vitals");
    expect(Object.keys(vitals.overall).sort()).toEqual(["CLS", "INP", "LCP"]);
    expect((await read<{ total: number }>("/rum/pages")).total).toBe(1);
    expect((await read<{ countries: unknown[] }>("/rum/geo")).countries).toEqual([
      { country: "DE", views: 1 },
    ]);
    await read("/rum/attribution");
    await read("/rum/sessions", { query: "?route=/pricing" });

    // A backend token reads the same shapes.
    const response = await call(`/api/tenants/${tid}/traces`, {
      headers: { Authorization: `Bearer ${m.backend}` },
    });
    expect(violations("GET /api/tenants/:tid/traces", await response.json())).toEqual([]);
  });

  it("openapi: the declared schemas are exact: a missing, extra or mistyped field is refused", async () => {
    const m = await member();
    const me = await answer<Record<string, unknown>>("GET /api/me", {}, { cookie: m.cookie });
    expect(violations("GET /api/me", { ...me, extra: 1 })).not.toEqual([]);
    const { user, ...withoutUser } = me;
    expect(user).toBeDefined();
    expect(violations("GET /api/me", withoutUser)).not.toEqual([]);
    expect(violations("GET /api/me", { ...me, passkeys: "1" })).not.toEqual([]);
    expect(
      violations("GET /api/me", { ...me, session: { ...(me.session as object), createdAt: "yesterday" } }),
    ).not.toEqual([]);
    const vitals = await answer<Record<string, unknown>>(
      "GET /api/tenants/:tid/rum/vitals",
      { tid: m.tenantId },
      { cookie: m.cookie },
    );
    expect(
      violations("GET /api/tenants/:tid/rum/vitals", { ...vitals, overall: { LCP: { p75: 1 } } }),
    ).not.toEqual([]);
  });
});
