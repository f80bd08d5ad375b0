// GET /api/tenants/:tid/services: RED per service and span name from the span rollup, which a
// trigger on spans keeps whatever code inserts them, under the same row-level security.
import { env } from "cloudflare:workers";
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { withTenant } from "../../db/tenant-scope.ts";
import { connect, postgresErrorOf } from "./helpers.ts";
import { member, read, sendSpans, span, type Member } from "./support/query.ts";
import { openDb } from "./support/telemetry.ts";

const SERVER = 2;
const CLIENT = 3;
const hour = () => `from=${new Date(Date.now() - 3600_000).toISOString()}&to=${new Date().toISOString()}`;

type Red = {
  count: number;
  errors: number;
  rate: number;
  errorRate: number;
  p50: number;
  p95: number;
  p99: number;
};
type Overview = {
  stepSeconds: number;
  services: (Red & {
    service: string;
    operations: (Red & { name: string; sparkline: { requests: number[]; errors: number[] } })[];
  })[];
};

let m: Member;
const db = openDb();
afterAll(() => db.pool.end());

beforeAll(async () => {
  m = await member();
  // Ten requests of 10, 20, … 100 ms, two failed; each with a client span that is not a request.
  const requests = Array.from({ length: 10 }, (_, i) => {
    const root = span("GET /checkout", { ms: (i + 1) * 10, status: i < 2 ? 2 : 1, kind: SERVER });
    return [root, span("SELECT orders", { traceId: root.traceId, parent: root.spanId, kind: CLIENT })];
  }).flat();
  await sendSpans(m.backend, "checkout", requests);
  await sendSpans(m.backend, "checkout", requests); // a retried batch: stored and counted once
  // A server span whose parent is in another service is an entry span too.
  await sendSpans(m.backend, "payments", [
    span("POST /charge", { parent: "00000000000000ff", kind: SERVER, ms: 40 }),
  ]);
  await sendSpans(
    m.frontend,
    "shop-web",
    [span("browser.page_view", { attributes: { "url.path": "/" } })],
    true,
  );
});

const withinSketchError = (value: number, exact: number) =>
  expect(Math.abs(value / exact - 1)).toBeLessThan(0.05);

describe("services overview", () => {
  it("gives rate, error rate and p50/p95/p99 per service and span name, from entry spans only", async () => {
    const response = await read(m, `/services?${hour()}`);
    expect(response.status).toBe(200);
    const overview = await response.json<Overview>();
    expect(overview.services.map((s) => s.service)).toEqual(["checkout", "payments"]);
    const [checkout, payments] = overview.services;
    expect(checkout.operations.map((op) => op.name)).toEqual(["GET /checkout"]);
    const [op] = checkout.operations;
    expect(op).toMatchObject({ count: 10, errors: 2, errorRate: 0.2 });
    expect(op.rate).toBeCloseTo(10 / 3600, 6);
    withinSketchError(op.p50, 50);
    withinSketchError(op.p95, 100);
    withinSketchError(op.p99, 100);
    expect(checkout).toMatchObject({ count: 10, errors: 2, errorRate: 0.2 });
    expect(payments.operations).toMatchObject([{ name: "POST /charge", count: 1, errors: 0 }]);
    withinSketchError(payments.p50, 40);
  });

  it("has a sparkline per operation that adds up to its counts", async () => {
    const overview = await (await read(m, `/services?${hour()}`, "token")).json<Overview>();
    const [op] = overview.services[0].operations;
    expect(overview.stepSeconds).toBe(300);
    expect(op.sparkline.requests).toHaveLength(12);
    expect(op.sparkline.requests.reduce((a, b) => a + b)).toBe(10);
    expect(op.sparkline.errors.reduce((a, b) => a + b)).toBe(2);
  });

  it("is empty for a range without spans, and for another tenant", async () => {
    const old = `from=2026-01-01T00:00:00Z&to=2026-01-02T00:00:00Z`;
    expect((await (await read(m, `/services?${old}`)).json<Overview>()).services).toEqual([]);
    const stranger = await member();
    expect((await (await read(stranger, `/services?${hour()}`)).json<Overview>()).services).toEqual([]);
    expect((await read(m, "/services?from=nope")).status).toBe(400);
  });

  it("counts spans inserted by any code path: the trigger, not the ingest code, keeps the rollup", async () => {
    const other = await member();
    await withTenant(db.db, other.tenantId, (tx) =>
      tx.execute(sql`insert into spans (tenant_id, trace_id, span_id, start_time, duration_ns, service_name, name,
        kind, status_code, attributes, resource, source)
        values (app_tenant_id(), decode(${"ab".repeat(16)}, 'hex'), decode(${"cd".repeat(8)}, 'hex'), now() - interval '1 minute', 5000000,
          'worker', 'queue.consume', 5, 0, '{}', '{}', 'backend')`),
    );
    const overview = await (await read(other, `/services?${hour()}`)).json<Overview>();
    expect(overview.services).toMatchObject([
      { service: "worker", operations: [{ name: "queue.consume", count: 1 }] },
    ]);
  });
});

describe("services overview from the hour rollups", () => {
  const HOUR = 3_600_000;
  // Spans over the last day and a bit: some in whole hours, some in the last, partial hour.
  const AGO = [26.5, 25.2, 20, 19.99, 12.01, 3, 1.5, 0.2, 0.05].map((hours) => hours * HOUR);
  let h: Member;
  let sent: ReturnType<typeof span>[];
  beforeAll(async () => {
    h = await member();
    sent = AGO.map((agoMs, i) => span("GET /cart", { agoMs, ms: 20 + i, status: i % 3 === 0 ? 2 : 1 }));
    await sendSpans(h.backend, "cart", sent);
  });
  const startOf = (s: (typeof sent)[number]) => Number(BigInt(s.startTimeUnixNano) / 1_000_000n);

  it("whole-hour steps from a whole hour read the hour rollups, and minutes for the last partial hour", async () => {
    const to = Date.now();
    const from = Math.floor((to - 27 * HOUR) / HOUR) * HOUR;
    const overview = await (
      await read(h, `/services?from=${new Date(from).toISOString()}&to=${new Date(to).toISOString()}`)
    ).json<Overview>();
    expect(overview.stepSeconds).toBe(3600);
    const [op] = overview.services[0].operations;
    const requests = new Array<number>(Math.ceil((to - from) / HOUR)).fill(0);
    const errors = [...requests];
    for (const s of sent) {
      requests[Math.floor((startOf(s) - from) / HOUR)]++;
      if (s.status.code === 2) errors[Math.floor((startOf(s) - from) / HOUR)]++;
    }
    expect(op).toMatchObject({
      name: "GET /cart",
      count: AGO.length,
      errors: 3,
      sparkline: { requests, errors },
    });
    // The same range a millisecond later is read from minutes: the same spans, the same durations.
    const minutes = await (
      await read(h, `/services?from=${new Date(from + 1).toISOString()}&to=${new Date(to).toISOString()}`)
    ).json<Overview>();
    const figures = ({ count, errors, errorRate, p50, p95, p99 }: Red) => ({
      count,
      errors,
      errorRate,
      p50,
      p95,
      p99,
    });
    expect(figures(minutes.services[0].operations[0])).toEqual(figures(op));
  });

  it("the hour rows hold each entry span once, in the hour it started", async () => {
    const { rows } = await withTenant(db.db, h.tenantId, (tx) =>
      tx.execute<{ time: string; n: string }>(
        sql`select time, span_count as n from span_rollups_hourly order by time`,
      ),
    );
    const perHour = new Map<number, number>();
    for (const s of sent) {
      const hour = Math.floor(startOf(s) / HOUR) * HOUR;
      perHour.set(hour, (perHour.get(hour) ?? 0) + 1);
    }
    expect(rows.map((row) => [Date.parse(row.time), Number(row.n)])).toEqual(
      [...perHour].sort(([a], [b]) => a - b),
    );
  });
});

describe("row-level security of the span rollup", () => {
  it("rls: rollup rows are invisible without the tenant's context and in another tenant's", async () => {
    const stranger = await member();
    for (const table of ["span_rollups", "span_rollups_hourly"]) {
      const { rows } = await db.db.execute(sql`select 1 from ${sql.identifier(table)}`);
      expect(rows, table).toEqual([]);
      const seen = await withTenant(db.db, stranger.tenantId, (tx) =>
        tx.execute(sql`select 1 from ${sql.identifier(table)} where tenant_id = ${m.tenantId}`),
      );
      expect(seen.rows, table).toEqual([]);
      const own = await withTenant(db.db, m.tenantId, (tx) =>
        tx.execute(sql`select 1 from ${sql.identifier(table)}`),
      );
      expect(own.rows.length, table).toBeGreaterThan(0);
    }
  });

  it("rls: the runtime role cannot write another tenant's rollup row", async () => {
    const stranger = await member();
    const write = withTenant(db.db, stranger.tenantId, (tx) =>
      tx.execute(sql`insert into span_rollups values (${m.tenantId}, now(), 's', 'n', 1, 0, '{}')`),
    );
    expect(await postgresErrorOf(write)).toMatch(/violates row-level security policy/);
  });

  it("rls: the rollup functions are SECURITY INVOKER and not executable by PUBLIC", async () => {
    const client = await connect(env.TEST_OWNER_DATABASE_URL);
    try {
      const { rows } = await client.query(`
        select proname, prosecdef, has_function_privilege('public', p.oid, 'execute') as public_can
        from pg_proc p where proname in ('span_rollups_add', 'span_sketch_merge') order by proname`);
      expect(rows).toEqual([
        { proname: "span_rollups_add", prosecdef: false, public_can: false },
        { proname: "span_sketch_merge", prosecdef: false, public_can: false },
      ]);
    } finally {
      await client.end();
    }
  });
});
