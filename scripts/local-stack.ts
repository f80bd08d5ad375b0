// The whole stack as it runs locally, shared by `npm run dev`, the e2e tests and the bench:
// Postgres (embedded, or DATABASE_URL), the loopback WebSocket relay, migrations, and
// `wrangler dev` serving the built site and the API on one port.
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { startEmbeddedDatabaseProcess, type EmbeddedDatabase } from "../db/local/server.ts";
import { startRelay } from "../db/local/ws-relay.ts";
import { applyMigrations } from "../db/migrate.ts";
import { buildWorker, watchWorker, WRANGLER_BUILD_ARGS } from "./build-worker.ts";
import { simulatedMailReader, type LoggedMessage } from "./simulated-mail.ts";

export const ROOT = resolve(import.meta.dirname, "..");
/** About the last hundred request lines of wrangler dev. */
const OUTPUT_TAIL_CHARS = 16_000;

/** Environment for every tool we spawn: no telemetry, no `request.cf` fetch, nothing outbound. */
export const OFFLINE_ENV = {
  WRANGLER_SEND_METRICS: "false",
  CLOUDFLARE_CF_FETCH_ENABLED: "false",
  ASTRO_TELEMETRY_DISABLED: "1",
};

export type Database = {
  /** The Worker's runtime role. */
  appUrl: string;
  /** The owner role (migrations, fixtures). */
  ownerUrl: string;
  /** `host:port` of the relay, when the database is local. */
  relayAddress?: string;
  /** The embedded database, when it is the one in use. */
  embedded?: EmbeddedDatabase;
  stop(): Promise<void>;
};

/** Embedded Postgres + relay + migrations. `dataDir` persists between runs; omit for a throwaway. */
export async function startEmbeddedDatabase(options: { dataDir?: string; port?: number }): Promise<Database> {
  const embedded = await startEmbeddedDatabaseProcess(options);
  return { ...embedded, embedded };
}

export type Worker = {
  origin: string;
  port: number;
  process: ChildProcess;
  /**
   * How often wrangler dev reloaded the Worker (a watched source file changed). A reload restarts
   * workerd, and the local queue keeps its messages in memory only: whatever was queued and not yet
   * consumed is gone. Cloudflare's queues persist a message before `send` resolves; this is
   * local-only, but a bench or test that spans a reload has lost accepted data.
   */
  reloads(): number;
  /** The tail of wrangler dev's output (its request lines at info level): what a failed test saw. */
  outputTail(): string;
  stop(): Promise<void>;
};

/**
 * Builds the Worker as it is deployed (scripts/build-worker.ts; `watch`: again on every change),
 * runs `wrangler dev` on 127.0.0.1:port with the given Worker secrets, and waits until it answers.
 * `onMail` hears of every message the simulated EMAIL binding wrote (from wrangler's log).
 */
export async function startWorker(options: {
  port: number;
  secrets: Record<string, string>;
  persistDir: string;
  quiet?: boolean;
  watch?: boolean;
  /** The port of workerd's V8 inspector (wrangler's default is 9229): a profiler connects there. */
  inspectorPort?: number;
  /** Also the Worker's own console.log lines (wrangler's "log" level), e.g. the consumer's counts. */
  verbose?: boolean;
  /**
   * wrangler dev's local observability (on by default): a trace collector in the same workerd
   * receives every invocation's tail events and writes them to SQLite, for the local explorer.
   * Deployed, the platform collects them outside the Worker. `npm run dev` keeps it; tests and
   * benches turn it off: one 100-span ingest request took 24.6 ms p50 with it, 14.8 without
   * (docs/ingest.md, "Local measurement").
   */
  localObservability?: boolean;
  onMail?: (message: LoggedMessage) => void;
}): Promise<Worker> {
  const origin = `http://localhost:${options.port}`;
  const watcher = options.watch ? await watchWorker() : (await buildWorker(), undefined);
  mkdirSync(options.persistDir, { recursive: true });
  const envFile = join(options.persistDir, "worker.vars");
  writeFileSync(
    envFile,
    Object.entries(options.secrets)
      .map(([key, value]) => `${key}=${JSON.stringify(value)}`)
      .join("\n"),
    { mode: 0o600 },
  );
  const child = spawn(
    join(ROOT, "node_modules/.bin/wrangler"),
    [
      "dev",
      ...WRANGLER_BUILD_ARGS,
      "--ip=127.0.0.1",
      `--port=${options.port}`,
      `--env-file=${envFile}`,
      `--persist-to=${join(options.persistDir, "state")}`,
      `--var=APP_ORIGIN:${origin}`,
      "--show-interactive-dev-session=false",
      ...(options.inspectorPort ? [`--inspector-port=${options.inspectorPort}`] : []),
      // The simulated EMAIL binding reports each message at info level: keep it whenever someone listens.
      `--log-level=${options.verbose ? "log" : options.quiet && !options.onMail ? "error" : "info"}`,
    ],
    {
      cwd: ROOT,
      env: {
        ...process.env,
        ...OFFLINE_ENV,
        ...(options.localObservability ? {} : { X_LOCAL_OBSERVABILITY: "false" }),
      },
      // Its own process group, so stopping it also stops workerd and leaves no orphans.
      detached: true,
      stdio: ["ignore", "pipe", "pipe"],
    },
  );
  // The tail of wrangler's output explains a failed start or test; quiet runs show nothing else.
  let output = "";
  let reloads = 0;
  const readMail = simulatedMailReader((message) => options.onMail?.(message));
  const follow = (sink: NodeJS.WriteStream) => (chunk: Buffer) => {
    output = (output + chunk.toString()).slice(-OUTPUT_TAIL_CHARS);
    reloads += chunk.toString().split("Reloading local server").length - 1;
    readMail(chunk.toString());
    if (!options.quiet) sink.write(chunk);
  };
  child.stdout?.on("data", follow(process.stdout));
  child.stderr?.on("data", follow(process.stderr));
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  const stop = async () => {
    await watcher?.stop();
    if (child.exitCode === null && child.pid) {
      try {
        process.kill(-child.pid, "SIGTERM");
      } catch {
        // already gone
      }
      await Promise.race([exited, new Promise((r) => setTimeout(r, 5_000))]);
      if (child.exitCode === null) process.kill(-child.pid, "SIGKILL");
    }
  };
  await waitUntilServing(`${origin}/api/health`, child, 90_000).catch(async (error) => {
    await stop();
    throw new Error(`${error.message}\n${output}`);
  });
  return {
    origin,
    port: options.port,
    process: child,
    reloads: () => reloads,
    outputTail: () => output,
    stop,
  };
}

async function waitUntilServing(url: string, child: ChildProcess, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`wrangler dev exited with code ${child.exitCode}`);
    try {
      await fetch(url, { signal: AbortSignal.timeout(2_000) });
      return;
    } catch {
      await new Promise((r) => setTimeout(r, 250));
    }
  }
  throw new Error(`wrangler dev did not answer ${url} within ${timeoutMs} ms`);
}

/** Builds the RUM SDK and the site; the site tenant's public frontend token is baked into the pages. */
export function buildSite(rumToken: string): void {
  const build = spawnSync("npm", ["run", "--silent", "build"], {
    cwd: ROOT,
    stdio: ["ignore", "inherit", "inherit"],
    env: { ...process.env, ...OFFLINE_ENV, PUBLIC_SIGHTLINE_RUM_TOKEN: rumToken },
  });
  if (build.status !== 0) throw new Error("the build failed");
}

/** The Worker secrets for a local database. */
export function databaseSecrets(database: Database): Record<string, string> {
  return { DATABASE_URL: database.appUrl, DB_WS_PROXY: database.relayAddress ?? "" };
}

/**
 * A database you run yourself (a Neon branch, say): DATABASE_URL is its owner role (migrations),
 * APP_DATABASE_URL the sightline_app role the Worker uses. A loopback host gets the relay.
 */
export async function useExternalDatabase(ownerUrl: string, appUrl: string | undefined): Promise<Database> {
  if (!appUrl) {
    throw new Error(
      "DATABASE_URL is set, so APP_DATABASE_URL must be too: the sightline_app role's connection string (README: Configuration).",
    );
  }
  const loopback = ["localhost", "127.0.0.1", "[::1]"].includes(new URL(ownerUrl).hostname);
  const relay = loopback ? await startRelay() : undefined;
  const relayAddress = relay ? `127.0.0.1:${relay.port}` : undefined;
  await applyMigrations(ownerUrl, relayAddress);
  return { appUrl, ownerUrl, relayAddress, stop: async () => relay?.close() };
}
