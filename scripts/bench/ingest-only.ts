// Only the ingest section of `npm run bench` (the full bench takes minutes on a shared machine):
// `node scripts/bench/ingest-only.ts`.
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { freePort } from "../../db/local/free-port.ts";
import { databaseSecrets, startEmbeddedDatabase, startWorker } from "../local-stack.ts";
import { generateWorkerSecrets } from "../worker-secrets.ts";
import { benchIngest } from "./ingest.ts";

const database = await startEmbeddedDatabase({});
try {
  const worker = await startWorker({
    port: await freePort(),
    secrets: { ...databaseSecrets(database), ...generateWorkerSecrets() },
    persistDir: mkdtempSync(join(tmpdir(), "sightline-bench-ingest-")),
    quiet: true,
  });
  try {
    for (const { metric, value } of await benchIngest(worker.origin, database)) {
      console.log(`  ${metric.padEnd(56)} ${value}`);
    }
  } finally {
    await worker.stop();
  }
} finally {
  await database.stop();
}
