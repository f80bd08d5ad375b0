// OTLP ingest figures for `npm run bench`: spans/s through the running Worker (wrangler dev → relay
// → Postgres) for batches of 100 and 1,000 spans in JSON and protobuf, next to the physical limit
// measured in the same run: a raw multi-row INSERT of the same rows into the same table through
// the same driver and relay, just before and just after each variant. Also the CPU the Worker's
// own code spends on a 1,000-span batch (decode + map + serialise for the INSERT), measured here
// in Node's V8 (wrangler dev reports no CPU time). Each variant uses fresh span ids so nothing is skipped as a duplicate. Ingest is
// buffered (a queue, docs/ingest.md): the Worker's rate is measured until the consumer has stored
// the last row, not until the last 200, so it compares with the raw INSERT like for like.
import { neonConfig } from "@neondatabase/serverless";
import { JsonTraceSerializer, ProtobufTraceSerializer } from "@opentelemetry/otlp-transformer";
import { resourceFromAttributes } from "@opentelemetry/resources";
import {
  InMemorySpanExporter,
  SimpleSpanProcessor,
  TracerProvider,
  type ReadableSpan,
} from "@opentelemetry/sdk-trace";
import { sql } from "drizzle-orm";
import { WebSocket } from "ws";
import { createDb, useLocalRelay, type Db } from "../../db/client.ts";
import { apiTokens, tenants } from "../../db/schema/index.ts";
import { withTenant } from "../../db/tenant-scope.ts";
import { mapSpans, type SpanRow } from "../../worker/src/otlp/map-spans.ts";
import { decodeRequest } from "../../worker/src/otlp/decode.ts";
import { generateApiToken, hashApiToken } from "../../worker/src/tenancy/api-tokens.ts";
import type { Database } from "../local-stack.ts";
import { countedRoundTrips } from "./relay-counts.ts";
import type { BenchRow } from "./report.ts";

const CONCURRENCY = 4;
/** Spans per variant: 4 variants × 2 × 20,000 stays under the pro plan's 200,000-span burst. */
const SPANS_PER_VARIANT = 20_000;
const CPU_SAMPLES = 30;

type Encoding = "json" | "protobuf";
const CONTENT_TYPES: Record<Encoding, string> = {
  json: "application/json",
  protobuf: "application/x-protobuf",
};

export async function benchIngest(baseUrl: string, database: Database): Promise<BenchRow[]> {
  neonConfig.webSocketConstructor = WebSocket;
  if (database.relayAddress) useLocalRelay(database.relayAddress);
  const { db, pool } = createDb(database.ownerUrl);
  try {
    const { tenantId, token } = await createBenchTenant(db);
    const rows: BenchRow[] = [];
    if (database.embedded) {
      const { trips, p50 } = await sequentialRequests(baseUrl, token, database.embedded);
      rows.push({
        metric: "one 100-span request at a time: DB round trips, p50",
        value: `${trips.toFixed(1)}, ${p50.toFixed(1)} ms`,
      });
    }
    const queryable = await queryableAfter(baseUrl, { db, tenantId, token });
    rows.push({
      metric: `queryable after the 200, ${QUERYABLE_REQUESTS} × 100 spans at ${QUERYABLE_PER_SECOND}/s`,
      value: `p50 ${queryable.p50.toFixed(0)} ms, p95 ${queryable.p95.toFixed(0)} ms, max ${queryable.max.toFixed(0)} ms`,
    });
    for (const size of [100, 1000]) {
      const batches = SPANS_PER_VARIANT / size;
      // The baseline is taken just before and just after each variant and averaged: the machine's
      // load and the table's size drift during a run, and a single baseline swung 2-3x between runs.
      let rawBefore = await rawInsertRate(db, tenantId, size, batches);
      for (const encoding of ["json", "protobuf"] as const) {
        const { rate: worker, answeredShare } = await workerRate(
          baseUrl,
          { db, tenantId, token },
          encoding,
          size,
          batches,
        );
        const rawAfter = await rawInsertRate(db, tenantId, size, batches);
        const raw = (rawBefore + rawAfter) / 2;
        rawBefore = rawAfter;
        rows.push({
          metric: `${size}-span batches, ${encoding}: Worker vs raw INSERT`,
          value: `${fmt(worker)} vs ${fmt(raw)} spans/s (${(worker / raw).toFixed(2)}×; last 200 at ${Math.round(answeredShare * 100)} % of the time)`,
        });
      }
    }
    for (const encoding of ["json", "protobuf"] as const) {
      rows.push({
        metric: `CPU per 1,000-span batch, ${encoding} (decode+map+serialise)`,
        value: `${cpuMs(encoding).toFixed(2)} ms`,
      });
    }
    return rows;
  } finally {
    await pool.end();
  }
}

export async function createBenchTenant(db: Db): Promise<{ tenantId: string; token: string }> {
  const tenantId = crypto.randomUUID();
  const token = generateApiToken("backend");
  await withTenant(db, tenantId, async (tx) => {
    // Pro: the bench sends ~160,000 spans within a minute; the free quota would answer 429.
    await tx.insert(tenants).values({ id: tenantId, name: "bench", plan: "pro" });
    await tx
      .insert(apiTokens)
      .values({ tenantId, name: "bench", type: "backend", tokenHash: await hashApiToken(token) });
  });
  return { tenantId, token };
}

/** `count` finished spans like a backend SDK makes them: a few attributes, one event on some. */
export function makeSpans(count: number): ReadableSpan[] {
  const exporter = new InMemorySpanExporter();
  const provider = new TracerProvider({
    resource: resourceFromAttributes({
      "service.name": "bench",
      "service.version": "1.0.0",
      "host.name": "bench-host",
    }),
    spanProcessors: [new SimpleSpanProcessor({ exporter })],
  });
  const tracer = provider.getTracer("bench", "1.0.0");
  for (let i = 0; i < count; i++) {
    const span = tracer.startSpan(`GET /items/${i % 50}`, {
      attributes: {
        "http.request.method": "GET",
        "http.route": "/items/:id",
        "http.response.status_code": 200,
        "url.path": `/items/${i}`,
      },
    });
    if (i % 10 === 0) span.addEvent("cache miss", { key: `item:${i}` });
    span.end();
  }
  return exporter.getFinishedSpans();
}

export function encode(spans: ReadableSpan[], encoding: Encoding): Uint8Array {
  return (encoding === "json" ? JsonTraceSerializer : ProtobufTraceSerializer).serializeRequest(spans)!;
}

type BenchTenant = { db: Db; tenantId: string; token: string };

async function workerRate(
  baseUrl: string,
  { db, tenantId, token }: BenchTenant,
  encoding: Encoding,
  size: number,
  batches: number,
): Promise<{ rate: number; answeredShare: number }> {
  const bodies = Array.from({ length: batches }, () => encode(makeSpans(size), encoding));
  const url = new URL("/v1/traces", baseUrl).toString();
  const headers = { Authorization: `Bearer ${token}`, "Content-Type": CONTENT_TYPES[encoding] };
  const stored = () => rolledUpRoots(db, tenantId);
  const expected = (await stored()) + size * batches;
  const started = performance.now();
  await timedRate(size * batches, bodies, async (body) => {
    const response = await fetch(url, { method: "POST", headers, body: body as Uint8Array<ArrayBuffer> });
    if (response.status !== 200)
      throw new Error(`ingest answered ${response.status}: ${await response.text()}`);
  });
  const answered = performance.now() - started;
  await untilStored(stored, expected);
  const elapsed = performance.now() - started;
  // How much of the time the requests took, the rest is the queue and the consumer draining.
  return { rate: (size * batches) / (elapsed / 1000), answeredShare: answered / elapsed };
}

const QUERYABLE_REQUESTS = 100;
const QUERYABLE_PER_SECOND = 10;
const POLL_MS = 20;

/**
 * How soon ingested spans can be read (docs/ingest.md, "queryable within 5 s p95"): 100-span
 * requests at a steady rate, light traffic, where a batch holds one request or two; each is sent
 * on schedule whatever the others do. One poll every POLL_MS asks which requests' first trace is
 * stored (a request's rows are written by one statement, so its first is all of them). Milliseconds
 * from each 200 to the poll that first saw its rows.
 */
async function queryableAfter(
  baseUrl: string,
  { db, tenantId, token }: BenchTenant,
): Promise<{ p50: number; p95: number; max: number }> {
  const requests = Array.from({ length: QUERYABLE_REQUESTS }, () => {
    const spans = makeSpans(100);
    return { traceId: spans[0].spanContext().traceId, body: encode(spans, "protobuf"), answeredAt: 0 };
  });
  const url = new URL("/v1/traces", baseUrl).toString();
  const headers = { Authorization: `Bearer ${token}`, "Content-Type": CONTENT_TYPES.protobuf };
  const waiting = new Map(requests.map((request) => [request.traceId, request]));
  const latencies: number[] = [];
  const started = performance.now();
  const sent = requests.map(async (request, i) => {
    await new Promise((resolve) => setTimeout(resolve, (i * 1000) / QUERYABLE_PER_SECOND));
    const response = await fetch(url, {
      method: "POST",
      headers,
      body: request.body as Uint8Array<ArrayBuffer>,
    });
    if (response.status !== 200) throw new Error(`ingest answered ${response.status}`);
    request.answeredAt = performance.now();
  });
  const polled = (async () => {
    while (waiting.size > 0) {
      if (performance.now() - started > 120_000)
        throw new Error(`${waiting.size} requests never became queryable`);
      await new Promise((resolve) => setTimeout(resolve, POLL_MS));
      const ids = [...waiting.keys()];
      const { rows } = await withTenant(db, tenantId, (tx) =>
        tx.execute<{ trace_id: string }>(
          sql`select distinct encode(trace_id, 'hex') as trace_id from spans
              where trace_id in (select decode(id, 'hex') from unnest(string_to_array(${ids.join(",")}, ',')) as id)`,
        ),
      );
      const seenAt = performance.now();
      for (const { trace_id } of rows) {
        const request = waiting.get(trace_id)!;
        // Seen before its 200 arrived (the consumer can be that quick): queryable at once.
        latencies.push(request.answeredAt ? seenAt - request.answeredAt : 0);
        waiting.delete(trace_id);
      }
    }
  })();
  await Promise.all([...sent, polled]);
  latencies.sort((a, b) => a - b);
  const at = (share: number) =>
    latencies[Math.min(latencies.length - 1, Math.floor(share * latencies.length))];
  return { p50: at(0.5), p95: at(0.95), max: latencies.at(-1)! };
}

/** Spans stored: in the spans table, or as RUM events (web-vital spans are stored only there). */
export async function storedSpans(db: Db, tenantId: string): Promise<number> {
  const result = await withTenant(db, tenantId, (tx) =>
    tx.execute<{ n: number }>(
      sql`select ((select count(*) from spans) + (select count(*) from rum_events where metric <> 'page_view'))::int as n`,
    ),
  );
  return result.rows[0].n;
}

/**
 * The backend root spans stored, as the statements that stored them counted them into the services
 * overview's rollup (the span_rollups trigger, migrations/0078: same statement, same commit). Every
 * span makeSpans makes is one. Reading a few rollup rows takes a millisecond where counting the
 * rows grows with the table (tens of ms by the bench's last variants, so the poll backed off by
 * hundreds of ms and the Worker's rate came out low by that much).
 */
export async function rolledUpRoots(db: Db, tenantId: string): Promise<number> {
  const result = await withTenant(db, tenantId, (tx) =>
    tx.execute<{ n: number }>(sql`select coalesce(sum(span_count), 0)::int as n from span_rollups`),
  );
  return result.rows[0].n;
}

/**
 * Polls `count` until it reaches `expected`, giving up once it has not grown for 2 minutes (a
 * backlog of millions drains for longer than any fixed bound, but never stalls). `check` runs on
 * every poll and throws when waiting is pointless (the Worker reloaded and dropped its queue).
 */
export async function untilStored(
  count: () => Promise<number>,
  expected: number,
  check: () => void = () => {},
): Promise<void> {
  const stall = 120_000;
  let last = -1;
  let progressed = Date.now();
  for (;;) {
    const started = performance.now();
    const stored = await count();
    if (stored >= expected) return;
    check();
    if (stored > last) [last, progressed] = [stored, Date.now()];
    else if (Date.now() - progressed > stall)
      throw new Error(`the queue consumer stored ${stored} of ${expected} spans, then nothing for 2 minutes`);
    // Counting millions of rows takes a while: poll at most a tenth of the time, so the bench's own
    // counting does not slow the consumer it waits for.
    await new Promise((resolve) => setTimeout(resolve, Math.max(POLL_MS, 9 * (performance.now() - started))));
  }
}

/**
 * 100-span requests one at a time: the round trips each request's own connection makes to
 * Postgres (counted at the relay, the consumer's later writes excluded) and the median latency.
 */
async function sequentialRequests(
  baseUrl: string,
  token: string,
  embedded: NonNullable<Database["embedded"]>,
): Promise<{ trips: number; p50: number }> {
  const requests = 40;
  const bodies = Array.from({ length: requests }, () => encode(makeSpans(100), "protobuf"));
  const url = new URL("/v1/traces", baseUrl).toString();
  const headers = { Authorization: `Bearer ${token}`, "Content-Type": CONTENT_TYPES.protobuf };
  const latencies: number[] = [];
  const trips = await countedRoundTrips(embedded, requests, async () => {
    const body = bodies.pop() as Uint8Array<ArrayBuffer>;
    const started = performance.now();
    const response = await fetch(url, { method: "POST", headers, body });
    if (response.status !== 200) throw new Error(`ingest answered ${response.status}`);
    latencies.push(performance.now() - started);
  });
  return { trips, p50: latencies.sort((a, b) => a - b)[Math.floor(requests / 2)] };
}

const COLUMNS =
  sql.raw(`tenant_id, trace_id, span_id, parent_span_id, start_time, duration_ns, service_name, name, kind,
  status_code, status_message, attributes, resource, scope, events, links, source`);

/** The same rows the Worker stores, as one plain multi-row INSERT … VALUES per batch. */
export async function rawInsertRate(
  db: Db,
  tenantId: string,
  size: number,
  batches: number,
): Promise<number> {
  const now = Date.now();
  const rowBatches = Array.from({ length: batches }, () => {
    const decoded = decodeRequest("traces", "protobuf", encode(makeSpans(size), "protobuf"));
    if (!decoded.ok) throw new Error(decoded.message);
    return mapSpans(decoded.request, now).rows;
  });
  return timedRate(size * batches, rowBatches, (rows) =>
    withTenant(db, tenantId, (tx) =>
      tx.execute(
        sql`insert into spans (${COLUMNS}) values ${sql.join(
          rows.map((row) => valuesOf(tenantId, row)),
          sql`, `,
        )}`,
      ),
    ),
  );
}

function valuesOf(tenantId: string, row: SpanRow) {
  const json = (value: unknown) => (value === null ? null : JSON.stringify(value));
  // Ids are bytea (migrations/0051): decoded from the rows' hex by Postgres, as the store function does.
  return sql`(${tenantId}, decode(${row.trace_id}, 'hex'), decode(${row.span_id}, 'hex'), decode(${row.parent_span_id}, 'hex'), ${row.start_time}, ${row.duration_ns},
    ${row.service_name}, ${row.name}, ${row.kind}, ${row.status_code}, ${row.status_message}, ${json(row.attributes)},
    ${json(row.resource)}, ${json(row.scope)}, ${json(row.events)}, ${json(row.links)}, ${row.source})`;
}

/** Runs `work` over `inputs`, CONCURRENCY at a time; items per second. */
export async function timedRate<T>(
  items: number,
  inputs: T[],
  work: (input: T) => Promise<unknown>,
): Promise<number> {
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < inputs.length) await work(inputs[next++]);
    }),
  );
  return items / ((performance.now() - started) / 1000);
}

/** Median CPU time of the Worker's code path for one 1,000-span batch (without I/O). */
function cpuMs(encoding: Encoding): number {
  const body = encode(makeSpans(1000), encoding);
  const samples: number[] = [];
  for (let i = 0; i < CPU_SAMPLES; i++) {
    const started = performance.now();
    const decoded = decodeRequest("traces", encoding, body);
    if (!decoded.ok) throw new Error(decoded.message);
    JSON.stringify(mapSpans(decoded.request, Date.now()).rows);
    samples.push(performance.now() - started);
  }
  return samples.sort((a, b) => a - b)[Math.floor(samples.length / 2)];
}

const fmt = (rate: number) => Math.round(rate).toLocaleString("en-US");
