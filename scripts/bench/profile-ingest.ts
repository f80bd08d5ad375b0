// Where the Worker's own CPU goes during ingest: `node scripts/bench/profile-ingest.ts [spans per
// request = 100] [json|protobuf]`. Sends 20,000 spans through wrangler dev (as many at a time as
// the ingest bench) while V8's sampling profiler runs in workerd (its inspector), waits until the
// queue consumer stored them, and prints the isolate's busy share and its CPU time per request by
// original source (the build's source maps: a package under node_modules, or a file of this repo).
// The edge and the consumer run on the same isolate thread locally, so both are in it.
// Writes the raw profile to /tmp/sightline-ingest.cpuprofile (Chrome DevTools opens it).
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { SourceMap } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { neonConfig } from "@neondatabase/serverless";
import { WebSocket } from "ws";
import { createDb, useLocalRelay } from "../../db/client.ts";
import { freePort } from "../../db/local/free-port.ts";
import { databaseSecrets, startEmbeddedDatabase, startWorker } from "../local-stack.ts";
import { WORKER_OUT } from "../build-worker.ts";
import { generateWorkerSecrets } from "../worker-secrets.ts";
import { createBenchTenant, encode, makeSpans, rolledUpRoots, timedRate, untilStored } from "./ingest.ts";

const SPANS = 20_000;
const OUTPUT = join(tmpdir(), "sightline-ingest.cpuprofile");

const size = Number(process.argv[2] ?? 100);
const encoding = process.argv[3] === "protobuf" ? "protobuf" : "json";
const contentType = encoding === "json" ? "application/json" : "application/x-protobuf";

type CallFrame = { functionName: string; url: string; lineNumber: number; columnNumber: number };
type Profile = {
  nodes: { id: number; callFrame: CallFrame; children?: number[] }[];
  samples: number[];
  timeDeltas: number[];
};

neonConfig.webSocketConstructor = WebSocket;
const database = await startEmbeddedDatabase({});
try {
  if (database.relayAddress) useLocalRelay(database.relayAddress);
  const inspectorPort = await freePort();
  const worker = await startWorker({
    port: await freePort(),
    inspectorPort,
    secrets: { ...databaseSecrets(database), ...generateWorkerSecrets() },
    persistDir: mkdtempSync(join(tmpdir(), "sightline-profile-")),
    quiet: true,
  });
  const { db, pool } = createDb(database.ownerUrl);
  try {
    const { tenantId, token } = await createBenchTenant(db);
    const send = sender(new URL("/v1/traces", worker.origin).toString(), token);
    // Warm: every chunk the path needs is evaluated before the profile starts.
    await send(Array.from({ length: 8 }, () => encode(makeSpans(size), encoding)));
    const requests = SPANS / size;
    const bodies = Array.from({ length: requests }, () => encode(makeSpans(size), encoding));
    const stored = () => rolledUpRoots(db, tenantId);
    const expected = (await stored()) + SPANS;
    const inspector = await connectInspector(inspectorPort);
    await inspector.call("Profiler.enable");
    await inspector.call("Profiler.setSamplingInterval", { interval: 250 });
    await inspector.call("Profiler.start");
    const started = performance.now();
    await send(bodies);
    await untilStored(stored, expected);
    const elapsed = performance.now() - started;
    const { profile } = (await inspector.call("Profiler.stop")) as { profile: Profile };
    inspector.close();
    writeFileSync(OUTPUT, JSON.stringify(profile));
    report(profile, requests, elapsed);
  } finally {
    await pool.end();
    await worker.stop();
  }
} finally {
  await database.stop();
}

function sender(url: string, token: string) {
  const headers = { Authorization: `Bearer ${token}`, "Content-Type": contentType };
  return (bodies: Uint8Array[]) =>
    timedRate(0, bodies, async (body) => {
      const response = await fetch(url, { method: "POST", headers, body: body as Uint8Array<ArrayBuffer> });
      if (response.status !== 200) throw new Error(`ingest answered ${response.status}`);
      await response.arrayBuffer();
    });
}

/** A minimal Chrome DevTools Protocol client for workerd's inspector (wrangler's proxy of it). */
async function connectInspector(port: number) {
  const [target] = (await (await fetch(`http://127.0.0.1:${port}/json`)).json()) as {
    webSocketDebuggerUrl: string;
  }[];
  const socket = new WebSocket(target.webSocketDebuggerUrl);
  await new Promise((resolve, reject) => socket.once("open", resolve).once("error", reject));
  const pending = new Map<number, (result: unknown) => void>();
  socket.on("message", (data) => {
    const message = JSON.parse(data.toString()) as { id?: number; result?: unknown };
    if (message.id !== undefined) pending.get(message.id)?.(message.result);
  });
  let id = 0;
  return {
    call: (method: string, params: object = {}) =>
      new Promise<unknown>((resolve) => {
        pending.set(++id, resolve);
        socket.send(JSON.stringify({ id, method, params }));
      }),
    close: () => socket.close(),
  };
}

/** Self time by original source: idle and V8's own buckets, natives, packages, this repo's files. */
function report(profile: Profile, requests: number, elapsedMs: number): void {
  const maps = new Map<string, SourceMap | null>();
  const mapOf = (url: string) => {
    if (!maps.has(url)) {
      try {
        maps.set(url, new SourceMap(JSON.parse(readFileSync(join(WORKER_OUT, `${url}.map`), "utf8"))));
      } catch {
        maps.set(url, null);
      }
    }
    return maps.get(url)!;
  };
  const sourceOf = ({ functionName, url, lineNumber, columnNumber }: CallFrame): string => {
    if (url === "") return functionName.startsWith("(") ? functionName : `native ${functionName}`;
    if (url.startsWith("node-internal:")) return url;
    const entry = mapOf(url)?.findEntry(lineNumber, columnNumber);
    const original = entry && "originalSource" in entry ? entry.originalSource : url;
    const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(original);
    return pkg ? pkg[1] : original.replace(/^.*?(worker|db)\//, "$1/");
  };
  const nodes = new Map(profile.nodes.map((node) => [node.id, node]));
  const self = new Map<string, number>();
  let total = 0;
  profile.samples.forEach((id, i) => {
    const micros = profile.timeDeltas[i] ?? 0;
    const source = sourceOf(nodes.get(id)!.callFrame);
    self.set(source, (self.get(source) ?? 0) + micros);
    total += micros;
  });
  const idle = self.get("(idle)") ?? 0;
  console.log(
    `${requests} requests of ${size} spans (${encoding}) stored in ${elapsedMs.toFixed(0)} ms: ` +
      `${((SPANS / elapsedMs) * 1000).toFixed(0)} spans/s; the isolate was busy ` +
      `${((100 * (total - idle)) / total).toFixed(0)} % of the profile, ` +
      `${((total - idle) / 1000 / requests).toFixed(1)} ms per request`,
  );
  console.log("CPU per request (ms) and share of the busy time, by source:");
  for (const [source, micros] of [...self].sort((a, b) => b[1] - a[1])) {
    if (source === "(idle)" || micros / (total - idle) < 0.005) continue;
    const share = (100 * micros) / (total - idle);
    console.log(
      `  ${(micros / 1000 / requests).toFixed(2).padStart(6)}  ${share.toFixed(1).padStart(5)} %  ${source}`,
    );
  }
  console.log(`profile: ${OUTPUT}`);
}
