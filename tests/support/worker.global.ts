// Global setup of the `worker` test project (runs in Node, before workerd starts): a real
// Postgres for this run, plus a second one that is started, migrated and then stopped, so that
// "database down" is tested against a database that really is down.
import type { TestProject } from "vitest/node";
import { startTestDatabase } from "./test-database.ts";

declare module "vitest" {
  export interface ProvidedContext {
    appDatabaseUrl: string;
    ownerDatabaseUrl: string;
    relayAddress: string;
    stoppedDatabaseUrl: string;
  }
}

export default async function setup(project: TestProject) {
  const [live, stopped] = await Promise.all([startTestDatabase(), startTestDatabase()]);
  await stopped.postgres.stop();
  project.provide("appDatabaseUrl", live.postgres.appUrl);
  project.provide("ownerDatabaseUrl", live.postgres.ownerUrl);
  project.provide("relayAddress", live.relayAddress);
  project.provide("stoppedDatabaseUrl", stopped.postgres.appUrl);
  return async () => {
    await live.stop();
    await stopped.relay.close();
  };
}
