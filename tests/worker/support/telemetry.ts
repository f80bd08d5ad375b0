// Telemetry test helpers: a fresh tenant with API tokens (created through the tenancy code), the
// official OpenTelemetry exporters pointed at the Worker, and raw OTLP requests.
import { env, exports } from "cloudflare:workers";
import { vi } from "vitest";
import { createDb, useLocalRelay, type DbHandle } from "../../../db/client.ts";
import { apiTokens, consentPolicies, tenantOrigins, tenants } from "../../../db/schema/index.ts";
import { withTenant } from "../../../db/tenant-scope.ts";
import { generateApiToken, hashApiToken } from "../../../worker/src/tenancy/api-tokens.ts";
import { call, ORIGIN } from "../helpers.ts";

export type TestTenant = { id: string; backend: string; frontend: string };

export function openDb(): DbHandle {
  useLocalRelay(env.DB_WS_PROXY);
  return createDb(env.DATABASE_URL);
}

/**
 * A new tenant with one backend and one frontend token, and the given allowed browser origins.
 * Browser ingest tests that are not about consent turn receipts off (`consentRequired: false`,
 * as for tenants that existed before receipts); a tenant with no policy row requires them.
 */
export async function createTenant(
  origins: string[] = [],
  { consentRequired = false }: { consentRequired?: boolean } = {},
): Promise<TestTenant> {
  const { db, pool } = openDb();
  const id = crypto.randomUUID();
  const backend = generateApiToken("backend");
  const frontend = generateApiToken("frontend");
  try {
    await withTenant(db, id, async (tx) => {
      await tx.insert(tenants).values({ id, name: `t-${id.slice(0, 8)}` });
      await tx.insert(apiTokens).values([
        { tenantId: id, name: "backend", type: "backend", tokenHash: await hashApiToken(backend) },
        { tenantId: id, name: "frontend", type: "frontend", tokenHash: await hashApiToken(frontend) },
      ]);
      if (origins.length)
        await tx.insert(tenantOrigins).values(origins.map((origin) => ({ tenantId: id, origin })));
      if (!consentRequired) await tx.insert(consentPolicies).values({ tenantId: id, required: false });
    });
  } finally {
    await pool.end();
  }
  return { id, backend, frontend };
}

/** Rows are checked field by field with expect(); `any` keeps those checks short. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type DbRow = Record<string, any>;

let barrierTenant: Promise<TestTenant> | undefined;

/**
 * When the last retry the consumer asked for is due (ms). A retried message goes back to the queue
 * after its delay, behind any marker sent meanwhile, so a barrier that passes before then proves
 * nothing about it. The consumer announces every retry and its delay in its log; the queue handler
 * runs in this isolate, so its console is this one.
 */
let retryDue = 0;
const logError = console.error.bind(console);
console.error = (...args: unknown[]) => {
  const line = typeof args[0] === "string" ? args[0] : "";
  const retry = /"delaySeconds":(\d+)/.exec(line);
  if (retry) retryDue = Math.max(retryDue, Date.now() + Number(retry[1]) * 1000);
  logError(...args);
};

/**
 * Waits until everything queued before this call has been through the queue consumer: sends
 * marker log records through the real ingest path and waits for their rows (passBarriers). The
 * local queue delivers one batch at a time, in order, so once they are stored every earlier
 * message was handled, unless the consumer asked for a retry: then the barrier runs again once
 * that retry is due.
 * It waits on those conditions (the marker's row, the announced retry), never for a fixed time.
 */
export async function settleIngest(): Promise<void> {
  await passBarriers();
  while (retryDue > Date.now()) {
    await new Promise((resolve) => setTimeout(resolve, retryDue - Date.now()));
    await passBarriers();
  }
}

/**
 * Two markers, one after the other: the consumer stores a batch's statements two at a time, so a
 * marker can be stored before an earlier message of its own batch is. The second marker is sent
 * once the first is stored and the local queue delivers one batch at a time, so when the second
 * is stored, the first one's batch, and every message sent before it, is done.
 */
async function passBarriers(): Promise<void> {
  await passBarrier();
  await passBarrier();
}

async function passBarrier(): Promise<void> {
  barrierTenant ??= createTenant();
  const tenant = await barrierTenant;
  const marker = crypto.randomUUID();
  const body = JSON.stringify({
    resourceLogs: [
      { scopeLogs: [{ logRecords: [{ timeUnixNano: nowNanos(), body: { stringValue: marker } }] }] },
    ],
  });
  const response = await postOtlp("logs", body, { token: tenant.backend, contentType: "application/json" });
  if (response.status !== 200) throw new Error(`ingest barrier answered ${response.status}`);
  const { db, pool } = openDb();
  try {
    await vi.waitFor(
      async () => {
        const found = await withTenant(db, tenant.id, (tx) =>
          tx.execute(`select 1 from log_records where body = '${marker}'`),
        );
        if (found.rows.length === 0) throw new Error("the queue consumer has not reached the barrier yet");
      },
      { timeout: 15_000, interval: 20 },
    );
  } finally {
    await pool.end();
  }
}

/**
 * Rows of one tenant's table, read as the Worker's role inside the tenant's RLS scope, once the
 * ingest queue has settled (what was answered 200 before is stored by then).
 */
export async function rowsOf<T = DbRow>(tenantId: string, query: string): Promise<T[]> {
  await settleIngest();
  return readRows(tenantId, query);
}

/** Rows as they are now, without waiting for the queue: for tests that run the consumer themselves. */
export async function readRows<T = DbRow>(tenantId: string, query: string): Promise<T[]> {
  const { db, pool } = openDb();
  try {
    return await withTenant(db, tenantId, async (tx) => (await tx.execute(query)).rows as T[]);
  } finally {
    await pool.end();
  }
}

/**
 * Routes fetches to ORIGIN through the Worker's fetch handler while `work` runs, so the official
 * exporters (which call the global fetch) reach the Worker under test.
 */
export async function withWorkerFetch<T>(work: () => Promise<T>): Promise<T> {
  const original = globalThis.fetch;
  globalThis.fetch = ((input: RequestInfo | URL, init?: RequestInit) => {
    const request = new Request(input, init);
    return request.url.startsWith(ORIGIN) ? exports.default.fetch(request) : original(request);
  }) as typeof fetch;
  try {
    return await work();
  } finally {
    globalThis.fetch = original;
  }
}

export type OtlpInit = {
  token?: string;
  contentType?: string;
  encoding?: string;
  origin?: string;
  method?: string;
  cf?: Record<string, string>;
};

/** A raw OTLP/HTTP request to /v1/<signal>. */
export function postOtlp(signal: string, body: BodyInit | null, init: OtlpInit = {}): Promise<Response> {
  const headers: Record<string, string> = {};
  if (init.token) headers.Authorization = `Bearer ${init.token}`;
  if (init.contentType !== undefined) headers["Content-Type"] = init.contentType;
  if (init.encoding) headers["Content-Encoding"] = init.encoding;
  if (init.origin) headers.Origin = init.origin;
  if (!init.cf) return call(`/v1/${signal}`, { method: init.method ?? "POST", headers, body });
  const request = new Request(new URL(`/v1/${signal}`, ORIGIN), {
    method: init.method ?? "POST",
    headers,
    body,
    cf: init.cf,
  });
  return exports.default.fetch(request);
}

export async function gzip(bytes: Uint8Array | string): Promise<Uint8Array> {
  const input = typeof bytes === "string" ? new TextEncoder().encode(bytes) : bytes;
  const stream = new Blob([input]).stream().pipeThrough(new CompressionStream("gzip"));
  return new Uint8Array(await new Response(stream).arrayBuffer());
}

/** Random lower-case hex of `bytes` bytes (ids for hand-made OTLP/JSON). */
export function randomHex(bytes: number): string {
  return Array.from(crypto.getRandomValues(new Uint8Array(bytes)), (b) =>
    b.toString(16).padStart(2, "0"),
  ).join("");
}

export const nowNanos = (offsetMs = 0): string => (BigInt(Date.now() + offsetMs) * 1_000_000n).toString();
