// Trace filters on attributes (attr=key:value, repeatable, AND) and duration, and the log records'
// detail: resource, trace filter, severity counts over time.
import { beforeAll, describe, expect, it } from "vitest";
import { JSON_TYPE, kv, member, read, sendSpans, span, type Member } from "./support/query.ts";
import { nowNanos, postOtlp, randomHex } from "./support/telemetry.ts";

let m: Member;
const gold = randomHex(16);
const plain = randomHex(16);
const other = randomHex(16);

beforeAll(async () => {
  m = await member();
  const goldRoot = span("POST /pay", { traceId: gold, ms: 300 });
  await sendSpans(m.backend, "checkout", [
    goldRoot,
    span("charge", {
      traceId: gold,
      parent: goldRoot.spanId,
      attributes: {
        "http.route": "/pay",
        "user.tier": "gold",
        "http.status_code": 500,
        "url.full": "https://x/y",
      },
    }),
    span("POST /pay", { traceId: plain, ms: 20, attributes: { "http.route": "/pay" } }),
  ]);
  await sendSpans(m.backend, "search", [span("GET /search", { traceId: other, ms: 5 })]);
});

async function traceIds(query: string): Promise<string[]> {
  const response = await read(m, `/traces?${query}`);
  expect(response.status, query).toBe(200);
  const { traces } = await response.json<{ traces: { traceId: string }[] }>();
  return traces.map((trace) => trace.traceId).sort();
}

describe("trace filters", () => {
  it("attr=key:value lists the traces with a span carrying it, on any span of the trace", async () => {
    expect(await traceIds("attr=http.route:/pay")).toEqual([gold, plain].sort());
  });

  it("repeated attr filters must all hold on one span (AND)", async () => {
    expect(await traceIds("attr=http.route:/pay&attr=user.tier:gold")).toEqual([gold]);
    expect(await traceIds("attr=http.route:/pay&attr=user.tier:silver")).toEqual([]);
  });

  it("matches numbers by their text, values after the first colon, and resource attributes", async () => {
    expect(await traceIds("attr=http.status_code:500")).toEqual([gold]);
    expect(await traceIds(`attr=${encodeURIComponent("url.full:https://x/y")}`)).toEqual([gold]);
    expect(await traceIds("attr=service.name:search")).toEqual([other]);
  });

  it("combines with duration and status filters", async () => {
    expect(await traceIds("attr=http.route:/pay&minDurationMs=100")).toEqual([gold]);
    expect(await traceIds("maxDurationMs=50")).toEqual([other, plain].sort());
    expect(await traceIds("attr=http.route:/pay&status=error")).toEqual([]);
  });

  it("a malformed attr or duration filter answers 400 INVALID_REQUEST naming the field", async () => {
    for (const query of ["attr=nocolon", "attr=:value", "maxDurationMs=-3", `${"attr=a:b&".repeat(11)}`]) {
      const response = await read(m, `/traces?${query}`);
      expect(response.status, query).toBe(400);
      const problem = await response.json<{ code: string; detail: string }>();
      expect(problem.code).toBe("INVALID_REQUEST");
      expect(problem.detail).toMatch(query.startsWith("attr") ? /attr/ : /maxDurationMs/);
    }
  });
});

describe("log detail and severity counts", () => {
  beforeAll(async () => {
    const record = (severityNumber: number, body: string, agoMs: number, traceId?: string) => ({
      timeUnixNano: nowNanos(-agoMs),
      severityNumber,
      body: { stringValue: body },
      attributes: [kv("order.id", "o-1")],
      ...(traceId ? { traceId, spanId: randomHex(8) } : {}),
    });
    const body = JSON.stringify({
      resourceLogs: [
        {
          resource: { attributes: [kv("service.name", "checkout"), kv("host.name", "web-1")] },
          scopeLogs: [
            {
              logRecords: [
                record(17, "card declined", 1000, gold),
                record(9, "charging", 2000, gold),
                record(13, "slow search", 3000),
                record(9, "ok", 600_000),
              ],
            },
          ],
        },
      ],
    });
    expect((await postOtlp("logs", body, { token: m.backend, contentType: JSON_TYPE })).status).toBe(200);
  });

  it("returns each record's attributes, resource and trace, and filters by trace", async () => {
    const response = await read(m, `/logs?traceId=${gold}`);
    const { logs } = await response.json<{ logs: Record<string, unknown>[] }>();
    expect(logs.map((log) => log.body)).toEqual(["card declined", "charging"]);
    expect(logs[0]).toMatchObject({
      attributes: { "order.id": "o-1" },
      resource: { "service.name": "checkout", "host.name": "web-1" },
      traceId: gold,
    });
  });

  it("counts records per step and severity class, every step present", async () => {
    const to = new Date();
    const from = new Date(to.getTime() - 3600_000);
    const response = await read(
      m,
      `/logs/severity?from=${from.toISOString()}&to=${to.toISOString()}&step=300`,
    );
    expect(response.status).toBe(200);
    const { stepSeconds, steps } = await response.json<{
      stepSeconds: number;
      steps: Record<string, number>[];
    }>();
    expect(stepSeconds).toBe(300);
    expect(steps).toHaveLength(12);
    const total = (name: string) => steps.reduce((sum, step) => sum + step[name], 0);
    expect([total("info"), total("warn"), total("error"), total("fatal")]).toEqual([2, 1, 1, 0]);
    expect(steps.at(-1)).toMatchObject({ info: 1, warn: 1, error: 1 });
    const errorsOnly = await read(
      m,
      `/logs/severity?severity=17&from=${from.toISOString()}&to=${to.toISOString()}`,
    );
    const counted = await errorsOnly.json<{ steps: Record<string, number>[] }>();
    expect(counted.steps.reduce((sum, step) => sum + step.error + step.info, 0)).toBe(1);
  });
});
