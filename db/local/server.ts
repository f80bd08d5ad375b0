// Starts db/local/serve.ts as a child process and talks to it (see the protocol there).
import { spawn } from "node:child_process";
import { once } from "node:events";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import type { RelayTraffic } from "./ws-relay.ts";

export type EmbeddedDatabase = {
  appUrl: string;
  ownerUrl: string;
  relayAddress: string;
  port: number;
  /** Stops Postgres (the relay stays up), as an outage would. */
  stopPostgres(): Promise<void>;
  startPostgres(): Promise<void>;
  /** What clients have sent through the relay so far, by application_name (ws-relay.ts). */
  relayedTraffic(): Promise<RelayTraffic>;
  /** Puts Postgres `ms` of round-trip time away from the relay's clients (the bench's distance). */
  setDelay(ms: number): Promise<void>;
  /** Stops everything and, for a throwaway database, deletes its data. */
  stop(): Promise<void>;
};

const SERVE = fileURLToPath(new URL("./serve.ts", import.meta.url));

export async function startEmbeddedDatabaseProcess(options: {
  dataDir?: string;
  port?: number;
}): Promise<EmbeddedDatabase> {
  const args = [SERVE];
  if (options.dataDir) args.push(`--data-dir=${options.dataDir}`);
  if (options.port) args.push(`--port=${options.port}`);
  // process.execPath: the project's Node 22, the one running this script.
  const child = spawn(process.execPath, args, { stdio: ["pipe", "pipe", "inherit"] });
  const exited = once(child, "exit");
  const lines = createInterface({ input: child.stdout });
  const waiters: { prefix: string; resolve: (line: string) => void }[] = [];
  lines.on("line", (line) => {
    const index = waiters.findIndex((waiter) => line.startsWith(waiter.prefix));
    if (index >= 0) waiters.splice(index, 1)[0].resolve(line);
  });
  const expect = (prefix: string) =>
    Promise.race([
      new Promise<string>((resolve) => waiters.push({ prefix, resolve })),
      exited.then(() => {
        throw new Error(`the database process exited (code ${child.exitCode}) before "${prefix}"`);
      }),
    ]);
  const command = async (name: string, argument?: number) => {
    const answer = expect(`OK ${name}`);
    child.stdin.write(`${argument === undefined ? name : `${name} ${argument}`}\n`);
    return answer;
  };
  const ready = JSON.parse((await expect("READY ")).slice("READY ".length));
  return {
    ...ready,
    stopPostgres: () => command("stop").then(() => {}),
    startPostgres: () => command("start").then(() => {}),
    relayedTraffic: async () => JSON.parse((await command("traffic")).slice("OK traffic ".length)),
    setDelay: (ms: number) => command("delay", Math.round(ms)).then(() => {}),
    async stop() {
      if (child.exitCode !== null) return;
      child.stdin.end();
      await exited;
    },
  };
}
