// Buffered ingest (docs/ingest.md, "Buffered ingest"): the queue consumer's promises. A 200 from
// /v1/* means the queue holds the batch; the consumer then stores every row exactly once, whatever
// fails in between. The handler runs here on batches built with createMessageBatch, against the
// real Postgres, so failures can be placed exactly; the other ingest tests go through the real
// local queue.
import { env } from "cloudflare:workers";
import { createExecutionContext, createMessageBatch, getQueueResult } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import worker from "../../worker/src/index.ts";
import {
  MAX_PAYLOAD_BYTES,
  messagesOf,
  payloadBytesOf,
  rowsJsonOf,
} from "../../worker/src/ingest-queue/message.ts";
import { retryDelayOf } from "../../worker/src/ingest-queue/consumer.ts";
import type { SpanRow } from "../../worker/src/otlp/map-spans.ts";
import { createTenant, randomHex, readRows } from "./support/telemetry.ts";

function spans(count: number, extra: Partial<SpanRow> = {}): SpanRow[] {
  const traceId = randomHex(16);
  return Array.from({ length: count }, () => ({
    trace_id: traceId,
    span_id: randomHex(8),
    parent_span_id: null,
    start_time: new Date().toISOString(),
    duration_ns: 1_000,
    service_name: "checkout",
    name: "GET /cart",
    kind: 2,
    status_code: 0,
    status_message: null,
    attributes: { "http.route": "/cart" },
    resource: { "service.name": "checkout" },
    scope: null,
    events: null,
    links: null,
    source: "backend",
    ...extra,
  }));
}

let sequence = 0;

/** Queue messages as the platform delivers them (attempts counts deliveries). */
function delivery(tenantId: string, rows: object[][], attempts = 1): Delivered[] {
  const bodies = [];
  for (const part of rows) bodies.push(...messagesOf(tenantId, "traces", part));
  return bodies.map((body) => ({ id: `m${++sequence}`, timestamp: new Date(), attempts, body }));
}

type Delivered = { id: string; timestamp: Date; attempts: number; body: unknown };

async function consume(messages: Delivered[], overrides: Partial<Env> = {}) {
  const batch = createMessageBatch("sightline-ingest", messages);
  await worker.queue(batch, { ...env, ...overrides });
  return getQueueResult(batch, createExecutionContext());
}

// The handler is driven directly, so there is no queue to wait for (and its retries of these
// fabricated batches never reach the queue).
const spanCount = async (tenantId: string) =>
  (await readRows(tenantId, "select count(*)::int as n from spans"))[0].n;

describe("ingest queue messages", () => {
  it("a large request is split into messages under the queue's 128 KB limit, every row kept once", async () => {
    const rows = spans(2_000).map((row) => ({ ...row, attributes: { note: randomHex(256) } }));
    const messages = messagesOf(crypto.randomUUID(), "traces", rows);
    expect(messages.length).toBeGreaterThan(1);
    for (const message of messages) expect(payloadBytesOf(message)).toBeLessThanOrEqual(MAX_PAYLOAD_BYTES);
    const decoded = messages.map(rowsJsonOf).flatMap((json) => JSON.parse(json));
    expect(decoded).toEqual(rows);
  });

  it("a small request's rows travel as plain JSON (no gzip); a large one's compressed", async () => {
    const small = spans(3);
    const [plain] = messagesOf(crypto.randomUUID(), "traces", small);
    expect(plain).toMatchObject({ items: 3, json: JSON.stringify(small) });
    const large = spans(2_000);
    const packed = messagesOf(crypto.randomUUID(), "traces", large);
    expect(packed.every((message) => "rows" in message && !("json" in message))).toBe(true);
    const decoded = packed.map(rowsJsonOf).flatMap((json) => JSON.parse(json));
    expect(decoded).toEqual(large);
  });

  it("a message compressed at zlib's default level (CompressionStream, before level 1) still reads back", async () => {
    const rows = spans(2_000);
    const json = JSON.stringify(rows);
    const stream = new Blob([json]).stream().pipeThrough(new CompressionStream("gzip"));
    const packed = new Uint8Array(await new Response(stream).arrayBuffer()).toBase64();
    expect(
      rowsJsonOf({ tenantId: crypto.randomUUID(), signal: "traces", items: rows.length, rows: packed }),
    ).toBe(json);
  });
});

describe("ingest queue consumer", () => {
  it("many requests' messages are stored together, each tenant's rows under its own tenant (RLS)", async () => {
    const [a, b] = [await createTenant(), await createTenant()];
    const messages = [...delivery(a.id, [spans(3), spans(2)]), ...delivery(b.id, [spans(4)])];
    const result = await consume(messages);
    expect(result.retryMessages).toEqual([]);
    expect(result.explicitAcks.sort()).toEqual(messages.map((m) => m.id).sort());
    expect(await spanCount(a.id)).toBe(5);
    expect(await spanCount(b.id)).toBe(4);
  });

  it("I41: the consumer fails mid-batch → the batch is redelivered → every row is stored once", async () => {
    const tenant = await createTenant();
    const good = delivery(tenant.id, [spans(3), spans(2)]);
    // Rows Postgres refuses (a start time no timestamptz can hold): the statement for the whole
    // batch fails after the first message's rows were sent with it.
    const refused = delivery(tenant.id, [spans(1, { start_time: "not a time" })]);
    const first = await consume([good[0], ...refused, good[1]]);
    expect(first.explicitAcks.sort()).toEqual([good[0].id, refused[0].id, good[1].id].sort());
    expect(first.retryMessages).toEqual([]);
    expect(await spanCount(tenant.id)).toBe(5);
    // The platform redelivers the batch (e.g. the invocation died before its acks arrived).
    const again = await consume([...good, ...refused].map((m) => ({ ...m, attempts: 2 })));
    expect(again.retryMessages).toEqual([]);
    expect(await spanCount(tenant.id)).toBe(5);
  });

  it("a batch larger than one statement is stored as several at once: every row once, only the refused message dead-lettered", async () => {
    const tenant = await createTenant();
    // ~1.7 M characters of JSON each (compressible, so one message each): one statement apiece,
    // run two at a time; the refused message joins the second one's statement.
    const large = () => spans(1_000).map((row) => ({ ...row, attributes: { note: "x".repeat(1_500) } }));
    const good = delivery(tenant.id, [large(), large(), large(), large()]);
    expect(good).toHaveLength(4);
    const refused = delivery(tenant.id, [spans(1, { start_time: "not a time" })]);
    const messages = [good[0], good[1], ...refused, good[2], good[3]];
    const result = await consume(messages);
    expect(result.retryMessages).toEqual([]);
    expect(result.explicitAcks.sort()).toEqual(messages.map((m) => m.id).sort());
    expect(await spanCount(tenant.id)).toBe(4_000);
  });

  // (getQueueResult reports which messages were retried, not their delay: retryDelayOf is below.)
  it("I41: with the database down nothing is acked and every message is retried; once it is back everything lands, deduplicated", async () => {
    const tenant = await createTenant();
    const earlier = delivery(tenant.id, [spans(2)]);
    await consume(earlier);
    const held = [...earlier, ...delivery(tenant.id, [spans(3), spans(4)])];
    for (let attempts = 1; attempts <= 3; attempts++) {
      const down = await consume(
        held.map((m) => ({ ...m, attempts })),
        { DATABASE_URL: env.TEST_STOPPED_DATABASE_URL },
      );
      expect(down.explicitAcks).toEqual([]);
      expect(down.retryMessages).toEqual(held.map((m) => ({ msgId: m.id })));
    }
    expect(await spanCount(tenant.id)).toBe(2);
    const back = await consume(held.map((m) => ({ ...m, attempts: 4 })));
    expect(back.retryMessages).toEqual([]);
    expect(await spanCount(tenant.id)).toBe(9);
  });

  it("the retry delay doubles from 5 s up to 10 minutes", () => {
    expect([1, 2, 3, 8, 9, 100].map(retryDelayOf)).toEqual([5, 10, 20, 600, 600, 600]);
  });

  it("a message whose rows do not decompress is dead-lettered at once; the rest of its batch is stored", async () => {
    const tenant = await createTenant();
    const [good] = delivery(tenant.id, [spans(3)]);
    const broken = { tenantId: tenant.id, signal: "traces", items: 1, rows: btoa("not gzip") };
    const result = await consume([good, { id: "broken", timestamp: new Date(), attempts: 1, body: broken }]);
    expect(result.explicitAcks.sort()).toEqual([good.id, "broken"].sort());
    expect(result.retryMessages).toEqual([]);
    expect(await spanCount(tenant.id)).toBe(3);
  });

  it("a message that is not an ingest message is dead-lettered at once, not retried", async () => {
    const result = await consume([{ id: "junk", timestamp: new Date(), attempts: 1, body: { hello: 1 } }]);
    expect(result.explicitAcks).toEqual(["junk"]);
    expect(result.retryMessages).toEqual([]);
  });
});
