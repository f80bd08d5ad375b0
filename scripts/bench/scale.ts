// `npm run bench:scale [spans…]` (default 100000): loads one tenant through the real ingest path
// (OTLP/HTTP to wrangler dev, the queue, the consumer, embedded Postgres 17) with a realistic mix
// over 30 days (scripts/bench/scale-mix.ts) up to each size in turn, and prints for each: ingest
// spans/s until the consumer stored the last row, next to a raw multi-row INSERT measured in the
// same run; bytes per span stored (table + indexes) and per RUM event (rum_events + indexes; the
// rollups per RUM event); p50/p95 of every dashboard query and its ratio to the first size.
// Loopback only; the database and Worker are temporary and removed, except with
// BENCH_DATA_DIR=<dir>: the database is kept there for EXPLAIN afterwards (`node db/local/serve.ts
// --data-dir <dir>` serves it again; the retention step has dropped a day of spans), and
// `npm run bench:scale:again` times the queries on it again.
// The tenant's ingest limit is raised by an operator's tenant_limits row (no waiting out 429s; a
// 429 would still be waited out like an exporter does).
import { mkdtempSync, writeFileSync } from "node:fs";
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
import { compactVitals } from "../../worker/src/rollups/vitals-compaction.ts";
import { setTenantLimit } from "../tenant-plan.ts";
import { createBenchTenant, rawInsertRate, storedSpans, untilStored } from "./ingest.ts";
import { latency, queries, TENANT_FILE } from "./dashboard-queries.ts";
import { logRequest, metricRequest, spanRequest } from "./scale-mix.ts";

const SPANS_PER_REQUEST = 1_000;
const CONCURRENCY = 4;
const sizes = process.argv.slice(2).map(Number).filter(Boolean);
if (sizes.length === 0) sizes.push(100_000);

neonConfig.webSocketConstructor = WebSocket;
const database = await startEmbeddedDatabase({ dataDir: process.env.BENCH_DATA_DIR });
try {
  if (database.relayAddress) useLocalRelay(database.relayAddress);
  const worker = await startWorker({
    port: await freePort(),
    secrets: { ...databaseSecrets(database), ...generateWorkerSecrets() },
    persistDir: mkdtempSync(join(tmpdir(), "sightline-bench-scale-")),
    quiet: !process.env.BENCH_VERBOSE,
    verbose: Boolean(process.env.BENCH_VERBOSE),
  });
  const { db, pool } = createDb(database.ownerUrl);
  try {
    const raw = await createBenchTenant(db);
    const rawRate = await rawInsertRate(db, raw.tenantId, SPANS_PER_REQUEST, 20);
    const tenant = await createBenchTenant(db);
    // An operator's limit (tenant_limits) instead of the pro plan's 200,000 spans a minute: the
    // bench measures ingest and storage, not minutes of waiting out 429s.
    await setTenantLimit(db, tenant.tenantId, "ingest", { quota: 100_000_000, windowSeconds: 60 });
    if (process.env.BENCH_DATA_DIR)
      writeFileSync(join(process.env.BENCH_DATA_DIR, TENANT_FILE), tenant.tenantId);
    const api = { origin: worker.origin, ...tenant };
    const first: Record<string, number> = {};
    let loaded = 0;
    // Spans sent besides the sizes' (the steady-state request below), so the count to wait for.
    let extra = 0;
    // A reload restarts workerd and the local queue drops what it held (scripts/local-stack.ts).
    const noReload = () => {
      if (worker.reloads() > 0)
        throw new Error("wrangler dev reloaded (a source file changed): queued spans were dropped, rerun");
    };
    for (const size of sizes) {
      const started = performance.now();
      await load(worker.origin, tenant.token, (size - loaded) / SPANS_PER_REQUEST);
      await untilStored(() => storedSpans(db, tenant.tenantId), size + extra, noReload);
      const rate = (size - loaded) / ((performance.now() - started) / 1000);
      loaded = size;
      console.log(`\n${size.toLocaleString("en-US")} spans (+ logs and metric points)`);
      print(
        "ingest, 1,000-span JSON requests",
        `${fmt(rate)} vs raw INSERT ${fmt(rawRate)} spans/s (${(rate / rawRate).toFixed(2)}×)`,
      );
      const perSpan = await bytesPerSpan(db, [raw.tenantId, tenant.tenantId]);
      print(
        "bytes per span stored (spans + its indexes)",
        `${Math.round(perSpan.all)} B (backend spans ${Math.round(perSpan.backend)} B, RUM-shaped ${Math.round(perSpan.rum)} B)`,
      );
      // What the five-minute Cron does (worker/src/rollups/vitals-compaction.ts): the bench loads
      // days in minutes, so it runs the job itself before reading; a view never waits for it.
      const compactionStarted = performance.now();
      const rebuilt = await compactVitals(db);
      print(
        "vitals compaction (the five-minute Cron job)",
        `${rebuilt} tenant-days and -hours in ${(performance.now() - compactionStarted).toFixed(0)} ms`,
      );
      const rum = await rumBytes(db, [raw.tenantId, tenant.tenantId]);
      print("bytes per RUM event (rum_events + indexes)", `${Math.round(rum.perEvent)} B`);
      print("rollups, all grains (+ indexes) per event", `${Math.round(rum.rollupsPerEvent)} B`);
      const measure = async (named: [string, string][]) => {
        for (const [name, path] of named) {
          const { p50, p95 } = await latency(api, path);
          first[name] ??= p50;
          print(
            name,
            `p50 ${p50.toFixed(1)} ms  p95 ${p95.toFixed(1)} ms  (${(p50 / first[name]).toFixed(2)}× first)`,
          );
        }
      };
      await measure(await queries(api));
      // The steady state: with traffic, the current hour and today are stale again after every
      // batch until the next compaction, so this is what a dashboard reads most of the time.
      await post(worker.origin, tenant.token, "traces", spanRequest(Date.now(), 60_000));
      extra += SPANS_PER_REQUEST;
      await untilStored(() => storedSpans(db, tenant.tenantId), size + extra, noReload);
      const vitals = (await queries(api)).filter(([name]) => name.startsWith("vitals"));
      await measure(vitals.map(([name, path]) => [`${name} (hour being written)`, path]));
    }
    print("retention of one day", await retentionOfADay(db));
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

/**
 * A day's spans dropped as a partition (what the Cron's partition job does past the longest
 * retention) against the next day's deleted row by row (what a shorter per-tenant window costs),
 * both timed here as the owner with the retention policies on (forced RLS binds the owner too).
 */
async function retentionOfADay(db: Db): Promise<string> {
  const { rows } = await db.execute<{ name: string }>(sql`
    select c.relname as name from pg_inherits i join pg_class c on c.oid = i.inhrelid
    where i.inhparent = 'spans'::regclass and c.relname <> 'spans_default'
    order by pg_relation_size(c.oid) desc limit 2`);
  const count = async (tx: Pick<Db, "execute">, name: string) =>
    Number((await tx.execute<{ n: string }>(sql.raw(`select count(*) as n from ${name}`))).rows[0].n);
  const timed = async (statement: string) => {
    const started = performance.now();
    await db.transaction(async (tx) => {
      await tx.execute(sql`select set_config('app.retention', 'on', true)`);
      await tx.execute(sql.raw(statement));
    });
    return performance.now() - started;
  };
  const [dropped, deleted] = rows.map((row) => row.name);
  const inDropped = await db.transaction(async (tx) => {
    await tx.execute(sql`select set_config('app.retention', 'on', true)`);
    return [await count(tx, dropped), await count(tx, deleted)];
  });
  const drop = await timed(`drop table ${dropped}`);
  const del = await timed(`delete from ${deleted}`);
  return `drop of a day's partition ${drop.toFixed(0)} ms (${inDropped[0]} spans); DELETE of the next day ${del.toFixed(0)} ms (${inDropped[1]} spans)`;
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
 * The spans table (every partition) with its indexes over every span in it (both bench tenants',
 * counted exactly), and the same split by kind: a backend span's share is its rows' own size
 * (pg_column_size, scaled to the heap's real size: page and tuple overhead) plus its rows' share
 * of each index (the partial root-span indexes only over root spans).
 */
async function bytesPerSpan(
  db: Db,
  tenantIds: string[],
): Promise<{ all: number; backend: number; rum: number }> {
  const { rows } = await db.execute<{ index: string; bytes: string }>(sql`
    select c.relname as index, (select sum(pg_relation_size(t.relid)) from pg_partition_tree(c.oid) t) as bytes
    from pg_index i join pg_class c on c.oid = i.indexrelid where i.indrelid = 'spans'::regclass
    union all
    select 'heap', (select sum(pg_table_size(t.relid)) from pg_partition_tree('spans') t)`);
  const sizes: Record<string, number> = Object.fromEntries(rows.map((row) => [row.index, Number(row.bytes)]));
  const total = Object.values(sizes).reduce((sum, bytes) => sum + bytes, 0);
  let spans = 0;
  for (const id of tenantIds) spans += await storedSpans(db, id);
  const kinds = await Promise.all(
    tenantIds.map((id) =>
      withTenant(db, id, (tx) =>
        tx.execute<{ rum: boolean; n: string; roots: string; bytes: string }>(sql`
          select name like 'browser.%' as rum, count(*) as n, count(*) filter (where parent_span_id is null) as roots,
            sum(pg_column_size(spans.*)) as bytes
          from spans group by 1`),
      ),
    ),
  );
  const by = { rum: { n: 0, roots: 0, bytes: 0 }, backend: { n: 0, roots: 0, bytes: 0 } };
  for (const result of kinds)
    for (const row of result.rows) {
      const kind = by[row.rum ? "rum" : "backend"];
      kind.n += Number(row.n);
      kind.roots += Number(row.roots);
      kind.bytes += Number(row.bytes);
    }
  const rowBytes = by.rum.bytes + by.backend.bytes;
  const roots = by.rum.roots + by.backend.roots;
  const share = (kind: typeof by.rum) => {
    let bytes = (sizes.heap * kind.bytes) / rowBytes;
    for (const [index, size] of Object.entries(sizes)) {
      if (index === "heap") continue;
      bytes += index.includes("_roots_") ? (size * kind.roots) / roots : (size * kind.n) / spans;
    }
    return bytes / kind.n;
  };
  if (process.env.BENCH_VERBOSE) console.log(JSON.stringify({ msg: "spans bytes", sizes, by }));
  return { all: total / spans, backend: share(by.backend), rum: share(by.rum) };
}

/**
 * Bytes per RUM event (rum_events with its indexes) over both bench tenants' events counted
 * exactly (forced RLS: counted per tenant), and the hourly and daily rollups' size per event
 * (combinations, Vitals cells, attribution targets and the sessions of each route).
 */
async function rumBytes(db: Db, tenantIds: string[]): Promise<{ perEvent: number; rollupsPerEvent: number }> {
  const { rows } = await db.execute<{ events: string; rollups: string }>(sql`
    select ${tableBytes("rum_events")} as events,
      ${tableBytes("rum_rollups")} + ${tableBytes("rum_rollups_daily")} + ${tableBytes("rum_vitals_daily")}
        + ${tableBytes("rum_vitals_hourly")} + ${tableBytes("rum_targets")}
        + ${tableBytes("rum_targets_daily")} + ${tableBytes("rum_sessions")} as rollups`);
  let events = 0;
  for (const id of tenantIds) {
    const counts = await withTenant(db, id, (tx) =>
      tx.execute<{ events: number }>(sql`select count(*)::int as events from rum_events`),
    );
    events += counts.rows[0].events;
  }
  return {
    perEvent: Number(rows[0].events) / Math.max(events, 1),
    rollupsPerEvent: Number(rows[0].rollups) / Math.max(events, 1),
  };
}

/** A table's bytes with its indexes: its own (0 for a partitioned parent) and its partitions'. */
function tableBytes(table: string) {
  return sql`
  (select sum(pg_total_relation_size(relid)) from (
    select ${table}::regclass as relid
    union all select inhrelid from pg_inherits where inhparent = ${table}::regclass) as parts)`;
}

function fmt(rate: number): string {
  return Math.round(rate).toLocaleString("en-US");
}
