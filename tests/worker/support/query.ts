// Query API test helpers: a signed-up member owning a tenant with tokens, hand-made OTLP/JSON spans
// sent through the Worker, and reads as the member's session or the backend token.
import { expect } from "vitest";
import { call } from "../helpers.ts";
import { api, signUp } from "./accounts.ts";
import { postOtlp, randomHex, settleIngest } from "./telemetry.ts";

export const JSON_TYPE = "application/json";
export const SHOP = "https://shop.example";

export type Member = { cookie: string; tenantId: string; backend: string; frontend: string };

/** A signed-up user owning a new tenant, with a backend and a frontend token made through the API. */
export async function member(): Promise<Member> {
  const account = await signUp();
  const created = await api("/api/tenants", { json: { name: "Shop" }, cookie: account.cookie });
  expect(created.status).toBe(201);
  const { id: tenantId } = await created.json<{ id: string }>();
  const token = async (type: string) => {
    const response = await api(`/api/tenants/${tenantId}/tokens`, {
      json: { name: type, type },
      cookie: account.cookie,
    });
    expect(response.status).toBe(201);
    return (await response.json<{ token: string }>()).token;
  };
  const origins = await api(`/api/tenants/${tenantId}/origins`, {
    method: "PUT",
    json: { origins: [SHOP] },
    cookie: account.cookie,
  });
  expect(origins.status).toBe(200);
  // These tests are about reading telemetry back; consent receipts have their own (consent-*.test.ts).
  const consent = await api(`/api/tenants/${tenantId}/consent`, {
    method: "PUT",
    json: { required: false },
    cookie: account.cookie,
  });
  expect(consent.status).toBe(200);
  return {
    cookie: account.cookie,
    tenantId,
    backend: await token("backend"),
    frontend: await token("frontend"),
  };
}

export const kv = (key: string, value: string | number) => ({
  key,
  value:
    typeof value === "string"
      ? { stringValue: value }
      : Number.isInteger(value)
        ? { intValue: value }
        : { doubleValue: value },
});

export function span(
  name: string,
  options: {
    traceId?: string;
    parent?: string;
    ms?: number;
    status?: number;
    attributes?: Record<string, string | number>;
    agoMs?: number;
    kind?: number;
  } = {},
) {
  const end = Date.now() - (options.agoMs ?? 0);
  return {
    traceId: options.traceId ?? randomHex(16),
    spanId: randomHex(8),
    parentSpanId: options.parent ?? "",
    name,
    kind: options.kind ?? 1,
    startTimeUnixNano: (BigInt(end - (options.ms ?? 10)) * 1_000_000n).toString(),
    endTimeUnixNano: (BigInt(end) * 1_000_000n).toString(),
    attributes: Object.entries(options.attributes ?? {}).map(([key, value]) => kv(key, value)),
    status: { code: options.status ?? 0 },
  };
}

export async function sendSpans(token: string, service: string, spans: unknown[], browser = false) {
  const body = JSON.stringify({
    resourceSpans: [{ resource: { attributes: [kv("service.name", service)] }, scopeSpans: [{ spans }] }],
  });
  const response = await postOtlp("traces", body, {
    token,
    contentType: JSON_TYPE,
    ...(browser ? { origin: SHOP, cf: { country: "DE", colo: "FRA" } } : {}),
  });
  expect(response.status).toBe(200);
}

/** A query, once everything ingested before it went through the queue. */
export async function read(m: Member, path: string, via: "session" | "token" = "session") {
  await settleIngest();
  return via === "session"
    ? api(`/api/tenants/${m.tenantId}${path}`, { cookie: m.cookie })
    : call(`/api/tenants/${m.tenantId}${path}`, { headers: { Authorization: `Bearer ${m.backend}` } });
}
