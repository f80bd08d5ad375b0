// `npm run bench:scale [spans…]` (default 100000): loads one tenant through the real ingest path
// (OTLP/HTTP to wrangler dev, the queue, the consumer, embedded Postgres 17) with a realistic mix
// over 30 days (scripts/bench/scale-mix.ts) up to each size in turn, and prints for each: ingest
// spans/s until the consumer stored the last row, next to a raw multi-row INSERT measured in the
// same run; bytes per row of spans and per RUM event (tables + indexes), the rollups per RUM
// event; p50/p95 of every dashboard query and its ratio to the first size. Loopback only; the
// database and Worker are temporary and removed.
// The tenant is on the pro plan (200,000 spans/min): past that burst the bench waits out the 429s
// like an exporter, so larger sizes take at least size / 200,000 minutes.
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { neonConfig } from "@neondatabase/serverless";
import { sql } from "drizzle-orm";
import { WebSocket } from "ws";
import { createDb, useLocalRelay, type Db } from "../../db/client.ts";
import { withTenant } from "../../db/tenant-scope.ts";
import { freePort } from "../../db/local/free-port.ts";
import { databaseSecrets, startEmbeddedDatabase, startWorker } from "../local-stack.ts";
import { generateWorkerSecrets } from "../worker-secrets.ts";
import { createBenchTenant, rawInsertRate, untilStored } from "./ingest.ts";
import { logRequest, metricRequest, spanRequest } from "./scale-mix.ts";

const SPANS_PER_REQUEST = 1_000;
const CONCURRENCY = 4;
const SAMPLES = 20;
const DAY_MS = 86_400_000;
const sizes = process.argv.slice(2).map(Number).filter(Boolean);
if (sizes.length === 0) sizes.push(100_000);

neonConfig.webSocketConstructor = WebSocket;
const database = await startEmbeddedDatabase({});
try {
  if (database.relayAddress) useLocalRelay(database.relayAddress);
  const worker = await startWorker({
    port: await freePort(),
    secrets: { ...databaseSecrets(database), ...generateWorkerSecrets() },
    persistDir: mkdtempSync(join(tmpdir(), "sightline-bench-scale-")),
    quiet: !process.env.BENCH_VERBOSE,
  });
  const { db, pool } = createDb(database.ownerUrl);
  try {
    const raw = await createBenchTenant(db);
    const rawRate = await rawInsertRate(db, raw.tenantId, SPANS_PER_REQUEST, 20);
    const tenant = await createBenchTenant(db);
    const api = { origin: worker.origin, ...tenant };
    const first: Record<string, number> = {};
    let loaded = 0;
    for (const size of sizes) {
      const started = performance.now();
      await load(worker.origin, tenant.token, (size - loaded) / SPANS_PER_REQUEST);
      await untilStored(db, tenant.tenantId, size);
      const rate = (size - loaded) / ((performance.now() - started) / 1000);
      loaded = size;
      console.log(`\n${size.toLocaleString("en-US")} spans (+ logs and metric points)`);
      print(
        "ingest, 1,000-span JSON requests",
        `${fmt(rate)} vs raw INSERT ${fmt(rawRate)} spans/s (${(rate / rawRate).toFixed(2)}×)`,
      );
      const bytes = await storedBytes(db, [raw.tenantId, tenant.tenantId]);
      print("bytes per row in spans (+ its indexes)", `${Math.round(bytes.perSpan)} B`);
      print("bytes per RUM event (rum_events + indexes)", `${Math.round(bytes.perRumEvent)} B`);
      print("hourly + daily rollups (+ indexes) per event", `${Math.round(bytes.rollupsPerRumEvent)} B`);
      for (const [name, path] of await queries(api)) {
        const { p50, p95 } = await latency(api, path);
        first[name] ??= p50;
        print(
          name,
          `p50 ${p50.toFixed(1)} ms  p95 ${p95.toFixed(1)} ms  (${(p50 / first[name]).toFixed(2)}× first)`,
        );
      }
    }
  } finally {
    await pool.end();
    await worker.stop();
  }
} finally {
  await database.stop();
}

function print(metric: string, value: string): void {
  console.log(`  ${metric.padEnd(44)} ${value}`);
}

/** Sends `requests` span requests (plus every 10th a log and a metric request), 4 at a time. */
async function load(origin: string, token: string, requests: number): Promise<void> {
  let next = 0;
  const now = Date.now();
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < requests) {
        const i = next++;
        await post(origin, token, "traces", spanRequest(now));
        if (i % 10 === 0) {
          await post(origin, token, "logs", logRequest(now));
          await post(origin, token, "metrics", metricRequest(now));
        }
      }
    }),
  );
}

/** One OTLP request; a 429 is waited out (Retry-After) and re-sent, as exporters do. */
async function post(origin: string, token: string, signal: string, body: string): Promise<void> {
  for (;;) {
    const response = await fetch(`${origin}/v1/${signal}`, {
      method: "POST",
      headers: { Authorization: `Bearer ${token}`, "Content-Type": "application/json" },
      body,
    });
    await response.arrayBuffer();
    if (response.status === 200) return;
    if (response.status !== 429) throw new Error(`ingest answered ${response.status}`);
    await new Promise((resolve) => setTimeout(resolve, Number(response.headers.get("Retry-After")) * 1000));
  }
}

/**
 * Bytes per row of the spans table and of rum_events (each with its indexes), over both bench
 * tenants' rows counted exactly (forced RLS: counted per tenant), and the rollups' size per event.
 */
async function storedBytes(
  db: Db,
  tenantIds: string[],
): Promise<{ perSpan: number; perRumEvent: number; rollupsPerRumEvent: number }> {
  const { rows } = await db.execute<{ spans: string; events: string; rollups: string }>(sql`
    select pg_total_relation_size('spans') as spans, pg_total_relation_size('rum_events') as events,
      pg_total_relation_size('rum_rollups') + pg_total_relation_size('rum_rollups_daily') as rollups`);
  let spans = 0;
  let events = 0;
  for (const id of tenantIds) {
    const counts = await withTenant(db, id, (tx) =>
      tx.execute<{ spans: number; events: number }>(
        sql`select (select count(*) from spans)::int as spans, (select count(*) from rum_events)::int as events`,
      ),
    );
    spans += counts.rows[0].spans;
    events += counts.rows[0].events;
  }
  return {
    perSpan: Number(rows[0].spans) / Math.max(spans, 1),
    perRumEvent: Number(rows[0].events) / Math.max(events, 1),
    rollupsPerRumEvent: Number(rows[0].rollups) / Math.max(events, 1),
  };
}

type Api = { origin: string; tenantId: string; token: string };

async function queries(api: Api): Promise<[string, string][]> {
  const range = (days: number) => {
    const to = new Date();
    return `from=${new Date(to.getTime() - days * DAY_MS).toISOString()}&to=${to.toISOString()}`;
  };
  const list = await get<{ traces: { traceId: string }[] }>(api, `/traces?service=checkout&${range(1)}`);
  const trace = list.traces[0]?.traceId ?? "0".repeat(32);
  return [
    ["vitals 24 h", `/rum/vitals?${range(1)}`],
    ["vitals 7 d", `/rum/vitals?${range(7)}`],
    ["vitals 30 d", `/rum/vitals?${range(30)}&step=86400`],
    ["pages 30 d", `/rum/pages?${range(30)}&step=86400`],
    ["geo 30 d", `/rum/geo?${range(30)}`],
    ["traces list 24 h", `/traces?${range(1)}`],
    ["traces list 24 h, service filter", `/traces?service=checkout&${range(1)}`],
    ["one trace", `/traces/${trace}`],
    ["logs search 7 d", `/logs?q=declined&${range(7)}`],
    ["metric series 7 d", `/metrics/cpu?step=3600&${range(7)}`],
  ];
}

async function get<T>(api: Api, path: string): Promise<T> {
  const response = await fetch(`${api.origin}/api/tenants/${api.tenantId}${path}`, {
    headers: { Authorization: `Bearer ${api.token}` },
  });
  if (!response.ok) throw new Error(`${path} answered ${response.status}: ${await response.text()}`);
  return response.json() as Promise<T>;
}

/** p50/p95 of SAMPLES sequential requests, after one warm-up. */
async function latency(api: Api, path: string): Promise<{ p50: number; p95: number }> {
  await get(api, path);
  const samples: number[] = [];
  for (let i = 0; i < SAMPLES; i++) {
    const started = performance.now();
    await get(api, path);
    samples.push(performance.now() - started);
  }
  samples.sort((x, y) => x - y);
  return { p50: samples[Math.floor(SAMPLES * 0.5)], p95: samples[Math.ceil(SAMPLES * 0.95) - 1] };
}

function fmt(rate: number): string {
  return Math.round(rate).toLocaleString("en-US");
}
