// `npm run bench`: prints figures, never pass/fail. Everything runs on loopback, bounded in time,
// and every latency is shown next to a baseline measured in the same run.
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { spawn } from "node:child_process";
import { freePort } from "../db/local/free-port.ts";
import { bundleAppWorker, bundleBareWorker, coldStartMs, evaluationMs, sizes } from "./bench/bundle.ts";
import { measure, warmUp, type LoadResult } from "./bench/load.ts";
import { benchIngest } from "./bench/ingest.ts";
import { benchRateLimit } from "./bench/rate-limit.ts";
import type { BenchRow } from "./bench/report.ts";
import { benchRum } from "./bench/rum.ts";
import { databaseSecrets, OFFLINE_ENV, ROOT, startEmbeddedDatabase, startWorker } from "./local-stack.ts";
import { createBenchSession } from "./bench/session.ts";
import { createBenchTenant } from "./bench/tenant-read.ts";
import {
  benchRoundTrips,
  DISTANCE_MS,
  getProbe,
  ingestProbe,
  passkeySignInProbe,
} from "./bench/round-trips.ts";
import { generateWorkerSecrets } from "./worker-secrets.ts";
import { WRANGLER_BUILD_ARGS } from "./build-worker.ts";

const kib = (bytes: number) => `${(bytes / 1024).toFixed(1)} KiB`;
const ms = (value: number) => `${value.toFixed(2)} ms`;
function row(label: string, ...cells: string[]): void {
  console.log(`  ${label.padEnd(44)} ${cells.map((cell) => cell.padStart(12)).join(" ")}`);
}
function printRows(title: string, rows: BenchRow[]): void {
  console.log(`\n${title}`);
  for (const { metric, value } of rows) row(metric, value);
}
function loadRow(label: string, result: LoadResult, baseline?: LoadResult): void {
  const ratio = baseline ? `${(result.p50 / baseline.p50).toFixed(2)}× p50` : "";
  row(label, `${result.rps.toFixed(0)} req/s`, `p50 ${ms(result.p50)}`, `p99 ${ms(result.p99)}`, ratio);
}

console.log("Sightline bench (loopback only)\n\nWorker bundle (as wrangler deploy --dry-run uploads it)");
const bareBundle = bundleBareWorker(join(ROOT, "scripts/bench/bare-worker.toml"));
const appBundle = await bundleAppWorker(join(ROOT, "wrangler.toml"));
const bareSize = sizes(bareBundle).eager;
row("bare baseline Worker", `${kib(bareSize.minified)} min`, `${kib(bareSize.gzip)} gzip`);
const appSize = sizes(appBundle);
const eagerCount = appBundle.modules.filter(({ eager }) => eager).length;
row(
  `Sightline Worker, eager (${eagerCount} of ${appBundle.modules.length} modules)`,
  `${kib(appSize.eager.minified)} min`,
  `${kib(appSize.eager.gzip)} gzip`,
  "goal ≤ 150 KiB gzip",
);
row("Sightline Worker, all modules", `${kib(appSize.all.minified)} min`, `${kib(appSize.all.gzip)} gzip`);
const bareStart = await coldStartMs(join(ROOT, "scripts/bench/bare-worker.toml"), "/", {});
const appStart = await coldStartMs(
  join(ROOT, "wrangler.toml"),
  "/api/no-such-route",
  generateWorkerSecrets(),
  WRANGLER_BUILD_ARGS,
);
row("cold start to first answer (median of 3)", `bare ${ms(bareStart)}`, `app ${ms(appStart)}`);
row("module startup cost (app − bare)", ms(appStart - bareStart));
const [bareEval, appEval, firstRequestEval] = evaluationMs([
  { upload: bareBundle },
  { upload: appBundle },
  { upload: appBundle, thenImport: appBundle.databaseChunk },
]);
row(
  "eager module evaluation in V8 (median of 9)",
  `bare ${ms(bareEval)}`,
  `app ${ms(appEval)}`,
  "goal ≤ 40 ms",
);
row("  + the database client (first API request)", `app ${ms(firstRequestEval)}`);

const database = await startEmbeddedDatabase({});
const worker = await startWorker({
  port: await freePort(),
  // BENCH=1 enables the bench-only routes (worker/src/routes/bench.ts); never set in production.
  secrets: { ...databaseSecrets(database), ...generateWorkerSecrets(), BENCH: "1" },
  persistDir: mkdtempSync(join(tmpdir(), "sightline-bench-")),
  quiet: true,
});
const basePort = await freePort();
const baseline = spawn(
  join(ROOT, "node_modules/.bin/wrangler"),
  [
    "dev",
    "--config=scripts/bench/bare-worker.toml",
    "--ip=127.0.0.1",
    `--port=${basePort}`,
    "--log-level=error",
  ],
  { cwd: ROOT, env: { ...process.env, ...OFFLINE_ENV }, detached: true, stdio: "ignore" },
);
try {
  const baseUrl = `http://127.0.0.1:${basePort}/`;
  for (let i = 0; i < 120; i++) {
    if (
      await fetch(baseUrl).then(
        () => true,
        () => false,
      )
    )
      break;
    await new Promise((r) => setTimeout(r, 250));
  }
  console.log("\nLatency, 8 concurrent callers for 4 s each (wrangler dev, embedded Postgres)");
  await warmUp(baseUrl);
  const bare = await measure(baseUrl);
  loadRow("bare Worker (baseline)", bare);
  const origin = worker.origin.replace("localhost", "127.0.0.1");
  const healthUrl = `${origin}/api/health`;
  await warmUp(healthUrl);
  loadRow("GET /api/health (1 query)", await measure(healthUrl), bare);

  console.log("\nAuthenticated reads (p50 ratio against GET /api/health in this run)");
  const health = await measure(healthUrl);
  loadRow("GET /api/health", health);
  const cookie = await createBenchSession(database.ownerUrl, database.relayAddress);
  const withCookie = () => ({ headers: { Cookie: cookie } });
  const meUrl = `${origin}/api/me`;
  await warmUp(meUrl, withCookie);
  loadRow("GET /api/me (session)", await measure(meUrl, { init: withCookie }), health);
  const membersUrl = await createBenchTenant(origin, cookie, database);
  await warmUp(membersUrl, withCookie);
  loadRow("GET /api/tenants/:tid/members", await measure(membersUrl, { init: withCookie }), health);

  printRows(
    `Database round trips: p50 one request at a time, Postgres 0 and ${DISTANCE_MS} ms away (docs/round-trips.md)`,
    await benchRoundTrips(database.embedded!, [
      getProbe("GET /api/health", healthUrl),
      getProbe("GET /api/me", meUrl, { Cookie: cookie }),
      getProbe("GET /api/tenants/:tid/members", membersUrl, { Cookie: cookie }),
      getProbe("GET /api/tenants/:tid/traces", membersUrl.replace(/members$/, "traces"), { Cookie: cookie }),
      await ingestProbe(origin, database),
      await passkeySignInProbe(origin, worker.origin),
    ]),
  );

  printRows("Rate limiter (Durable Object)", await benchRateLimit(worker.origin));
  printRows("OTLP ingest (Worker vs raw INSERT)", await benchIngest(worker.origin, database));
  printRows("RUM SDK and consent (sizes, Lighthouse mobile)", await benchRum());
} finally {
  if (baseline.pid) process.kill(-baseline.pid, "SIGTERM");
  await worker.stop();
  await database.stop();
}
