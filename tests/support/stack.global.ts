// Global setup of the `e2e` project: the whole stack as `npm run dev` runs it, on free ports,
// with a throwaway database — site tenant, a build carrying its frontend token, wrangler dev —
// plus a loopback control endpoint that lets a test stop and restart that database for real, and
// read the emails the simulated EMAIL binding wrote (GET /mail?to=…, from wrangler dev's log) and
// the tail of that log (GET /worker-output, printed with a failing test: tests/e2e/support/on-failure.ts).
import { mkdtempSync, readFileSync } from "node:fs";
import { createServer } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { TestProject } from "vitest/node";
import { freePort } from "../../db/local/free-port.ts";
import { buildSite, databaseSecrets, startEmbeddedDatabase, startWorker } from "../../scripts/local-stack.ts";
import type { LoggedMessage } from "../../scripts/simulated-mail.ts";
import { prepareSiteTenant } from "../../scripts/site-tenant.ts";
import { generateWorkerSecrets } from "../../scripts/worker-secrets.ts";

declare module "vitest" {
  export interface ProvidedContext {
    baseUrl: string;
    stackControlUrl: string;
    e2eOwnerDatabaseUrl: string;
    e2eRelayAddress: string;
    /** The Worker's CONSENT_RECEIPT_KEYS, so a test can sign an expired receipt the server would accept otherwise. */
    e2eConsentReceiptKeys: string;
  }
}

export default async function setup(project: TestProject) {
  const database = await startEmbeddedDatabase({});
  const port = await freePort();
  const site = await prepareSiteTenant(database, `http://localhost:${port}`);
  buildSite(site.frontendToken);
  const workerSecrets = generateWorkerSecrets();
  const mail: LoggedMessage[] = [];
  const worker = await startWorker({
    port,
    secrets: { ...databaseSecrets(database), ...workerSecrets },
    persistDir: mkdtempSync(join(tmpdir(), "sightline-e2e-")),
    quiet: true,
    onMail: (message) => mail.push(message),
  });
  const control = createServer(async (request, response) => {
    const embedded = database.embedded!;
    const url = new URL(request.url ?? "/", "http://control");
    if (request.method === "POST" && url.pathname === "/database/stop") await embedded.stopPostgres();
    else if (request.method === "POST" && url.pathname === "/database/start") await embedded.startPostgres();
    else if (request.method === "GET" && url.pathname === "/mail") {
      const to = url.searchParams.get("to");
      const messages = mail
        .filter((message) => message.to === to)
        .map((message) => ({ subject: message.subject, text: readFileSync(message.textPath, "utf8") }));
      response.setHeader("Content-Type", "application/json");
      response.write(JSON.stringify(messages));
    } else if (request.method === "GET" && url.pathname === "/worker-output") {
      response.write(worker.outputTail());
    } else response.statusCode = 404;
    response.end();
  });
  const controlPort = await freePort();
  await new Promise<void>((resolve) => control.listen(controlPort, "127.0.0.1", resolve));
  project.provide("baseUrl", worker.origin);
  project.provide("stackControlUrl", `http://127.0.0.1:${controlPort}`);
  project.provide("e2eOwnerDatabaseUrl", database.ownerUrl);
  project.provide("e2eRelayAddress", database.relayAddress!);
  project.provide("e2eConsentReceiptKeys", workerSecrets.CONSENT_RECEIPT_KEYS);
  return async () => {
    control.close();
    await worker.stop();
    await database.stop();
  };
}
