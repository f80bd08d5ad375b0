// What a user at a distance feels (docs/round-trips.md): each endpoint's median latency, one request
// at a time, with the database 0 ms and DISTANCE_MS away (the local relay holds every chunk half of
// that in each direction), and the sequential database round trips derived from the difference:
// (p50 far − p50 near) / DISTANCE_MS. Derived from the outside, so it counts whatever really waits
// on the database: statements, transaction control, connection startup. Next to it, the exact
// count from the relay (countedRoundTrips), which no load on the machine can blur.
import { neonConfig } from "@neondatabase/serverless";
import { WebSocket } from "ws";
import { createDb, useLocalRelay } from "../../db/client.ts";
import type { EmbeddedDatabase } from "../../db/local/server.ts";
import { SoftwareAuthenticator } from "../../tests/worker/support/software-authenticator.ts";
import { createBenchTenant, encode, makeSpans } from "./ingest.ts";
import { countedRoundTrips } from "./relay-counts.ts";
import type { BenchRow } from "./report.ts";

export const DISTANCE_MS = 20;
// Small enough that a sign-in run (warm-up + samples, at both distances) stays within the per-IP
// sign-in limit even if the local runtime ignores the pretend client IPs below.
const SAMPLES = 9;
const COUNTED_RUNS = 5;

/** One measured operation: a fresh attempt each call (it may be several requests). */
export type Probe = { label: string; run: () => Promise<void> };

export async function expectStatus(response: Response, status: number, what: string): Promise<Response> {
  if (response.status !== status) throw new Error(`${what}: ${response.status} ${await response.text()}`);
  return response;
}

/** A GET that must answer 200 (with the given request headers, e.g. the session cookie). */
export function getProbe(label: string, url: string, headers: Record<string, string> = {}): Probe {
  return {
    label,
    async run() {
      await (await expectStatus(await fetch(url, { headers }), 200, label)).arrayBuffer();
    },
  };
}

/** POST /v1/traces with 100 fresh spans (protobuf) and a backend token of a tenant of its own. */
export async function ingestProbe(origin: string, database: { ownerUrl: string; relayAddress?: string }) {
  neonConfig.webSocketConstructor = WebSocket;
  if (database.relayAddress) useLocalRelay(database.relayAddress);
  const { db, pool } = createDb(database.ownerUrl);
  const { token } = await createBenchTenant(db).finally(() => pool.end());
  // Fresh span ids for every request (a repeated span is skipped as a duplicate); made up front.
  const bodies = Array.from({ length: 2 * SAMPLES + 2 }, () => encode(makeSpans(100), "protobuf"));
  const headers = { Authorization: `Bearer ${token}`, "Content-Type": "application/x-protobuf" };
  return {
    label: "POST /v1/traces (100 spans, protobuf)",
    async run() {
      const body = bodies.pop() as Uint8Array<ArrayBuffer>;
      const response = await fetch(`${origin}/v1/traces`, { method: "POST", headers, body });
      await (await expectStatus(response, 200, "ingest")).arrayBuffer();
    },
  } satisfies Probe;
}

async function medianMs(run: () => Promise<void>): Promise<number> {
  await run(); // warm: JIT, the isolate, the route's lazily loaded modules
  const times: number[] = [];
  for (let i = 0; i < SAMPLES; i++) {
    const started = performance.now();
    await run();
    times.push(performance.now() - started);
  }
  return times.sort((a, b) => a - b)[Math.floor(SAMPLES / 2)];
}

export async function benchRoundTrips(database: EmbeddedDatabase, probes: Probe[]): Promise<BenchRow[]> {
  const near: number[] = [];
  const counted: number[] = [];
  for (const probe of probes) {
    near.push(await medianMs(probe.run));
    counted.push(await countedRoundTrips(database, COUNTED_RUNS, probe.run));
  }
  await database.setDelay(DISTANCE_MS);
  try {
    const rows: BenchRow[] = [];
    for (const [i, probe] of probes.entries()) {
      const far = await medianMs(probe.run);
      const trips = (far - near[i]) / DISTANCE_MS;
      rows.push({
        metric: probe.label,
        value: `p50 ${near[i].toFixed(1)} ms | ${far.toFixed(1)} ms at ${DISTANCE_MS} ms → ${trips.toFixed(1)} round trips (counted: ${counted[i].toFixed(1)})`,
      });
    }
    return rows;
  } finally {
    await database.setDelay(0);
  }
}

/**
 * A passkey sign-in as a browser does it: options, then verify with a software authenticator
 * (real P-256 signatures). Each ceremony comes from its own pretend client IP, so that the per-IP
 * sign-in limit (60 per 5 minutes) does not cut the bench short.
 */
export async function passkeySignInProbe(base: string, appOrigin: string): Promise<Probe> {
  const authenticator = await SoftwareAuthenticator.create({ origin: appOrigin });
  let client = 0;
  const post = (path: string, json: unknown) =>
    fetch(`${base}${path}`, {
      method: "POST",
      headers: {
        "Content-Type": "application/json",
        Origin: appOrigin,
        "CF-Connecting-IP": `198.51.100.${client % 250}`,
      },
      body: JSON.stringify(json),
    });
  const email = `bench-${crypto.randomUUID()}@example.com`;
  const options = await (
    await expectStatus(
      await post("/api/auth/signup/options", { email, name: "Bench" }),
      200,
      "signup options",
    )
  ).json();
  await expectStatus(
    await post("/api/auth/signup/verify", { response: await authenticator.register(options) }),
    201,
    "signup verify",
  );
  return {
    label: "passkey sign-in (options + verify)",
    async run() {
      client++;
      const request = await (
        await expectStatus(await post("/api/auth/passkey/options", { email }), 200, "sign-in options")
      ).json();
      const response = await authenticator.authenticate(request);
      await expectStatus(await post("/api/auth/passkey/verify", { response }), 200, "sign-in verify");
    },
  };
}
