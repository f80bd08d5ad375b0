// `BENCH_DATA_DIR=<dir> npm run bench:scale:again`: times the dashboard queries again on a
// database a `BENCH_DATA_DIR=<dir> npm run bench:scale …` run kept, without loading it again (a
// 10 M-span load takes most of an hour). The run's tenant is the one it named in
// <dir>/bench-tenant; a fresh token is made for it. Migrations newer than the load apply first (their backfills
// included), and the compaction runs, as the five-minute Cron would. Loopback only.
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { neonConfig } from "@neondatabase/serverless";
import { WebSocket } from "ws";
import { createDb, useLocalRelay } from "../../db/client.ts";
import { apiTokens } from "../../db/schema/index.ts";
import { withTenant } from "../../db/tenant-scope.ts";
import { freePort } from "../../db/local/free-port.ts";
import { generateApiToken, hashApiToken } from "../../worker/src/tenancy/api-tokens.ts";
import { compactVitals } from "../../worker/src/rollups/vitals-compaction.ts";
import { databaseSecrets, startEmbeddedDatabase, startWorker } from "../local-stack.ts";
import { generateWorkerSecrets } from "../worker-secrets.ts";
import { latency, queries, TENANT_FILE } from "./dashboard-queries.ts";

const dataDir = process.env.BENCH_DATA_DIR;
if (!dataDir) throw new Error("BENCH_DATA_DIR must name the directory a bench:scale run kept");

neonConfig.webSocketConstructor = WebSocket;
const database = await startEmbeddedDatabase({ dataDir });
try {
  if (database.relayAddress) useLocalRelay(database.relayAddress);
  const { db, pool } = createDb(database.ownerUrl);
  const worker = await startWorker({
    port: await freePort(),
    secrets: { ...databaseSecrets(database), ...generateWorkerSecrets() },
    persistDir: mkdtempSync(join(tmpdir(), "sightline-bench-again-")),
    quiet: true,
  });
  try {
    const tenantId = readFileSync(join(dataDir, TENANT_FILE), "utf8").trim();
    const token = generateApiToken("backend");
    const tokenHash = await hashApiToken(token);
    await withTenant(db, tenantId, (tx) =>
      tx.insert(apiTokens).values({ tenantId, name: "bench again", type: "backend", tokenHash }),
    );
    console.log(`\nthe kept tenant ${tenantId}`);
    await compactVitals(db);
    const api = { origin: worker.origin, tenantId, token };
    for (const [name, path] of await queries(api)) {
      const { p50, p95 } = await latency(api, path);
      console.log(`  ${name.padEnd(44)} p50 ${p50.toFixed(1)} ms  p95 ${p95.toFixed(1)} ms`);
    }
  } finally {
    await pool.end();
    await worker.stop();
  }
} finally {
  await database.stop();
}
