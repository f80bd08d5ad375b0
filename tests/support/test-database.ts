// A real, throwaway PostgreSQL for one test run: its own cluster in a temp dir on a free port,
// bootstrapped with production's roles, migrated through the relay with the Worker's driver.
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { freePort, startLocalPostgres, type LocalPostgres } from "../../db/local/postgres.ts";
import { startRelay, type Relay } from "../../db/local/ws-relay.ts";
import { applyMigrations } from "../../db/migrate.ts";

export type TestDatabase = {
  postgres: LocalPostgres;
  relay: Relay;
  relayAddress: string;
  stop(): Promise<void>;
};

export async function startTestDatabase(): Promise<TestDatabase> {
  const postgres = await startLocalPostgres({
    dataDir: mkdtempSync(join(tmpdir(), "sightline-pg-")),
    port: await freePort(),
    persistent: false,
  });
  const relay = await startRelay();
  const relayAddress = `127.0.0.1:${relay.port}`;
  await applyMigrations(postgres.ownerUrl, relayAddress);
  return {
    postgres,
    relay,
    relayAddress,
    async stop() {
      await relay.close();
      await postgres.stop();
    },
  };
}
