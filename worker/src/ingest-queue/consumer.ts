// The queue side of buffered ingest: the queue() handler. Messages are grouped by tenant and
// signal (RLS: one INSERT is one tenant's, run by that signal's store function as the runtime
// role) and each group goes to Postgres as few statements as memory allows, so one round trip
// carries the rows of many requests. A message is acked only once its rows are committed; a
// failure the database may recover from (down, overloaded) retries with backoff, and the unique
// keys make every retry store each row once. Rows Postgres refuses are isolated one message at a
// time and only the refused message goes to the dead-letter queue (docs/ingest.md).
import { CONNECTION_NAMES, createWorkerDb, type Db } from "../../../db/client.ts";
import { storeRows } from "../otlp/store.ts";
import { sqlStateOf } from "../storage-failure.ts";
import { asIngestMessage, rowsJsonOf, type IngestMessage } from "./message.ts";

/**
 * One INSERT's JSON, at most: the decompressed rows of many messages sit in memory together, for
 * each statement in flight and the one being built. ~3,500 spans; smaller statements would pay
 * their fixed cost (the rollup upserts) more often, larger ones leave a batch fewer to overlap.
 */
const MAX_STATEMENT_CHARS = 2_000_000;
/**
 * Statements one invocation runs at once, each on its own connection: while one commits (its
 * rollup upserts wait on the row locks another holds), the other expands its JSON and fills the
 * indexes, so a second core of the database works. The rollup upserts take their row locks in key
 * order (migration 0038), so concurrent statements of one tenant queue and never deadlock.
 */
const STATEMENTS_IN_FLIGHT = 2;
const FIRST_RETRY_SECONDS = 5;
const LONGEST_RETRY_SECONDS = 600;

type Entry = { message: Message; ingest: IngestMessage };

export async function consumeIngest(batch: MessageBatch, env: Env): Promise<void> {
  const { db, pool } = createWorkerDb(env, CONNECTION_NAMES.ingest);
  const inFlight = new Set<Promise<void>>();
  try {
    for (const group of (await groupsOf(batch.messages, env)).values()) {
      for await (const chunk of chunksOf(env, group)) {
        if (inFlight.size >= STATEMENTS_IN_FLIGHT) await Promise.race(inFlight);
        const stored = storeChunk(db, env, chunk.entries, chunk.parts).finally(() => inFlight.delete(stored));
        inFlight.add(stored);
      }
    }
    await Promise.all(inFlight);
  } finally {
    await pool.end();
  }
}

async function groupsOf(messages: readonly Message[], env: Env): Promise<Map<string, Entry[]>> {
  const groups = new Map<string, Entry[]>();
  for (const message of messages) {
    const ingest = asIngestMessage(message.body);
    if (!ingest) {
      await deadLetter(env, message, "not an ingest message");
      continue;
    }
    const key = `${ingest.tenantId}/${ingest.signal}`;
    groups.set(key, [...(groups.get(key) ?? []), { message, ingest }]);
  }
  return groups;
}

type Chunk = { entries: Entry[]; parts: string[]; chars: number };

/** A group's messages as statements of at most MAX_STATEMENT_CHARS, decompressed as they are needed. */
async function* chunksOf(env: Env, group: Entry[]): AsyncGenerator<Chunk> {
  let chunk: Chunk = { entries: [], parts: [], chars: 0 };
  for (const entry of group) {
    const json = jsonOrNull(entry.ingest);
    if (json === null) {
      await deadLetter(env, entry.message, "rows do not decompress");
      continue;
    }
    if (chunk.entries.length > 0 && chunk.chars + json.length > MAX_STATEMENT_CHARS) {
      yield chunk;
      chunk = { entries: [], parts: [], chars: 0 };
    }
    chunk.entries.push(entry);
    chunk.parts.push(json);
    chunk.chars += json.length;
  }
  if (chunk.entries.length > 0) yield chunk;
}

function jsonOrNull(message: IngestMessage): string | null {
  try {
    return rowsJsonOf(message);
  } catch {
    return null;
  }
}

/** Stores one statement's messages and acks them once committed; never throws (retries, dead letters). */
async function storeChunk(db: Db, env: Env, entries: Entry[], parts: string[]): Promise<void> {
  const { tenantId, signal } = entries[0].ingest;
  const items = entries.reduce((sum, { ingest }) => sum + ingest.items, 0);
  try {
    const { inserted } = await storeRows(db, signal, tenantId, joinArrays(parts));
    for (const { message } of entries) message.ack();
    const log = {
      msg: "ingest stored",
      signal,
      messages: entries.length,
      items,
      duplicates: items - inserted,
    };
    console.log(JSON.stringify(log));
  } catch (error) {
    if (isTransient(error)) {
      let delaySeconds = 0;
      for (const { message } of entries) {
        const delay = retryDelayOf(message.attempts);
        message.retry({ delaySeconds: delay });
        delaySeconds = Math.max(delaySeconds, delay);
      }
      const log = { msg: "ingest store retried", signal, items, delaySeconds, error: reasonOf(error) };
      console.error(JSON.stringify(log));
    } else if (entries.length === 1) {
      await deadLetter(env, entries[0].message, reasonOf(error));
    } else {
      // Some message holds rows Postgres refuses: find it, store the others.
      for (let i = 0; i < entries.length; i++) await storeChunk(db, env, [entries[i]], [parts[i]]);
    }
  }
}

/** JSON arrays (each non-empty) as one array, without parsing them. */
function joinArrays(parts: string[]): string {
  return parts.length === 1 ? parts[0] : `[${parts.map((part) => part.slice(1, -1)).join(",")}]`;
}

/**
 * SQLSTATE classes a later attempt can succeed after: connection (08), transaction rollback such
 * as serialization failures (40), resources (53), operator intervention such as a shutdown (57),
 * system I/O (58). No SQLSTATE at all is the network or the driver (database unreachable).
 */
const TRANSIENT_CLASSES = new Set(["08", "40", "53", "57", "58"]);

function isTransient(error: unknown): boolean {
  const code = sqlStateOf(error);
  return code === undefined || TRANSIENT_CLASSES.has(code.slice(0, 2));
}

/**
 * What a log may say about a failure: the SQLSTATE, or the innermost (network) message. Never the
 * query error's own text: drizzle's carries the parameters, i.e. the rows.
 */
function reasonOf(error: unknown): string {
  const code = sqlStateOf(error);
  if (code) return `SQLSTATE ${code}`;
  let e = error as { message?: unknown; cause?: unknown } | undefined;
  while (e?.cause) e = e.cause as typeof e;
  return String(e?.message ?? e);
}

/** 5 s, doubling, at most 10 min: with max_retries = 100 about 16 h of outage ride out. */
export function retryDelayOf(attempts: number): number {
  return Math.min(FIRST_RETRY_SECONDS * 2 ** Math.max(attempts - 1, 0), LONGEST_RETRY_SECONDS);
}

/** A message no retry can store: kept on the dead-letter queue for an operator, then acked. */
async function deadLetter(env: Env, message: Message, reason: string): Promise<void> {
  try {
    await env.INGEST_DEAD_LETTERS.send(message.body);
    message.ack();
    console.error(JSON.stringify({ msg: "ingest message dead-lettered", id: message.id, reason }));
  } catch (error) {
    const delaySeconds = retryDelayOf(message.attempts);
    message.retry({ delaySeconds });
    console.error(
      JSON.stringify({ msg: "dead-lettering failed", id: message.id, delaySeconds, error: reasonOf(error) }),
    );
  }
}
