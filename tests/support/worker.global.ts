// Global setup of the test run (runs in Node, before workerd starts): a real Postgres for the
// Worker tests, plus a second one that is started, migrated and then stopped, so that "database
// down" is tested against a database that really is down.
import type { TestProject } from "vitest/node";
import { startEmbeddedDatabase } from "../../scripts/local-stack.ts";
import { generateWorkerSecrets } from "../../scripts/worker-secrets.ts";

declare module "vitest" {
  export interface ProvidedContext {
    appDatabaseUrl: string;
    ownerDatabaseUrl: string;
    relayAddress: string;
    stoppedDatabaseUrl: string;
    /** Worker secrets generated for this run (scripts/worker-secrets.ts). */
    workerSecrets: Record<string, string>;
  }
}

export default async function setup(project: TestProject) {
  const [live, stopped] = await Promise.all([startEmbeddedDatabase({}), startEmbeddedDatabase({})]);
  await stopped.embedded!.stopPostgres();
  project.provide("appDatabaseUrl", live.appUrl);
  project.provide("ownerDatabaseUrl", live.ownerUrl);
  project.provide("relayAddress", live.relayAddress!);
  project.provide("stoppedDatabaseUrl", stopped.appUrl);
  project.provide("workerSecrets", generateWorkerSecrets());
  return async () => {
    await live.stop();
    await stopped.stop();
  };
}
