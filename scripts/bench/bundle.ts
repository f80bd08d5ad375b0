// The Worker as `wrangler deploy --dry-run` would upload it (size and module startup cost), next to
// the bare baseline Worker. The app Worker is several modules (scripts/build-worker.ts): what counts
// for a cold start is the eager part, the entry module and what it imports statically; chunks
// reached only through import() are uploaded but evaluated when a request first needs them.
import { execFileSync } from "node:child_process";
import { cpSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { gzipSync } from "node:zlib";
import { spawn } from "node:child_process";
import { freePort } from "../../db/local/free-port.ts";
import { buildWorker, eagerOutputs, WORKER_OUT, WRANGLER_BUILD_ARGS } from "../build-worker.ts";
import { OFFLINE_ENV, ROOT } from "../local-stack.ts";

/**
 * An uploaded Worker: its directory, entry module, every module with its eagerness, and the chunk
 * an isolate's first API request imports (the database client, worker/src/middleware/database.ts).
 */
export type WorkerUpload = {
  dir: string;
  entry: string;
  modules: { path: string; eager: boolean }[];
  databaseChunk?: string;
};

/** wrangler's dry-run output for `config`: the files it would upload (with --minify for its bundler). */
function dryRun(config: string, args: string[] = []): string {
  const outdir = mkdtempSync(join(tmpdir(), "sightline-bundle-"));
  execFileSync(
    join(ROOT, "node_modules/.bin/wrangler"),
    ["deploy", ...args, "--dry-run", "--minify", `--outdir=${outdir}`, `--config=${config}`],
    { cwd: ROOT, env: { ...process.env, ...OFFLINE_ENV }, stdio: "ignore" },
  );
  return outdir;
}

/** The bare baseline: one module, bundled by wrangler. */
export function bundleBareWorker(config: string): WorkerUpload {
  const dir = dryRun(config);
  const entry = readdirSync(dir).find((name) => name.endsWith(".js"));
  if (!entry) throw new Error(`no bundle in ${dir}`);
  return { dir, entry, modules: [{ path: entry, eager: true }] };
}

/** The app Worker: built (scripts/build-worker.ts), then as wrangler uploads it. */
export async function bundleAppWorker(config: string): Promise<WorkerUpload> {
  const metafile = await buildWorker();
  const dir = dryRun(config, WRANGLER_BUILD_ARGS);
  const name = (output: string) => relative(WORKER_OUT, join(ROOT, output));
  const outputs = Object.keys(metafile.outputs).filter((output) => output.endsWith(".mjs"));
  const eager = eagerOutputs(metafile);
  const entry = outputs.find((output) => name(output) === "index.mjs")!;
  const modules = outputs.map((output) => ({ path: name(output), eager: eager.has(output) }));
  for (const { path } of modules) readFileSync(join(dir, path)); // wrangler uploads every one of them
  const databaseChunk = outputs.find((output) => "db/client.ts" in metafile.outputs[output].inputs);
  if (!databaseChunk) throw new Error("no chunk holds db/client.ts");
  return { dir, entry: name(entry), modules, databaseChunk: name(databaseChunk) };
}

/** Sizes of the eager modules (what a cold start loads) and of all of them. */
export function sizes(upload: WorkerUpload): Record<"eager" | "all", { minified: number; gzip: number }> {
  const sum = (modules: WorkerUpload["modules"]) => {
    const code = modules.map(({ path }) => readFileSync(join(upload.dir, path)));
    return {
      minified: code.reduce((total, bytes) => total + bytes.length, 0),
      // Per module, as each is stored and sent on its own.
      gzip: code.reduce((total, bytes) => total + gzipSync(bytes, { level: 9 }).length, 0),
    };
  };
  return { eager: sum(upload.modules.filter(({ eager }) => eager)), all: sum(upload.modules) };
}

/**
 * Median cold start of `wrangler dev` with this config (and `args`, e.g. the built entry) until its
 * first answer. Most of it is
 * wrangler and workerd themselves, the same for both Workers: the difference to the bare baseline
 * is what loading and evaluating our module costs.
 */
export async function coldStartMs(
  config: string,
  path: string,
  secrets: Record<string, string>,
  args: string[] = [],
  runs = 3,
) {
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const port = await freePort();
    const t0 = performance.now();
    const child = spawn(
      join(ROOT, "node_modules/.bin/wrangler"),
      [
        "dev",
        ...args,
        `--config=${config}`,
        "--ip=127.0.0.1",
        `--port=${port}`,
        "--log-level=error",
        ...Object.entries(secrets).map(([key, value]) => `--var=${key}:${value}`),
      ],
      { cwd: ROOT, env: { ...process.env, ...OFFLINE_ENV }, detached: true, stdio: "ignore" },
    );
    try {
      while (
        !(await fetch(`http://127.0.0.1:${port}${path}`).then(
          () => true,
          () => false,
        ))
      ) {
        await new Promise((r) => setTimeout(r, 20));
      }
      times.push(performance.now() - t0);
    } finally {
      if (child.pid) process.kill(-child.pid, "SIGTERM");
    }
  }
  return times.sort((a, b) => a - b)[Math.floor(runs / 2)];
}

/** Stands in for the workerd built-ins the bundle imports, so that Node can evaluate it. */
const CLOUDFLARE_WORKERS_SHIM =
  "export class DurableObject {} export class WorkerEntrypoint {} export const env = {};";

/** What one evaluation sample imports: the entry module, then optionally one more chunk. */
export type EvaluationProbe = { upload: WorkerUpload; thenImport?: string };

/** A copy of the upload that Node can import: the workerd built-ins shimmed, ES modules throughout. */
function evaluable(upload: WorkerUpload): string {
  const dir = mkdtempSync(join(tmpdir(), "sightline-eval-"));
  cpSync(upload.dir, dir, { recursive: true });
  writeFileSync(join(dir, "cloudflare-workers.mjs"), CLOUDFLARE_WORKERS_SHIM);
  for (const { path } of upload.modules) {
    const file = join(dir, path);
    const shim = relative(join(file, ".."), join(dir, "cloudflare-workers.mjs"));
    const code = readFileSync(file, "utf8").replaceAll(
      /(["'])cloudflare:workers\1/g,
      JSON.stringify(shim.startsWith(".") ? shim : `./${shim}`),
    );
    writeFileSync(file, code);
  }
  // wrangler names the bare baseline's bundle .js, which Node reads as CommonJS without this.
  writeFileSync(join(dir, "package.json"), '{ "type": "module" }');
  return dir;
}

/**
 * Median time V8 (Node 22) takes to load and evaluate what each probe imports, each sample in a
 * fresh process: for the entry module, what an isolate pays on a cold start before it can answer.
 * Chunks behind a dynamic import() are not evaluated unless the probe names one. The probes'
 * samples are interleaved, so a change in the machine's load shifts all of them alike.
 */
export function evaluationMs(probes: EvaluationProbe[], samples = 9): number[] {
  const dirs = probes.map(({ upload }) => evaluable(upload));
  const times = probes.map((): number[] => []);
  for (let sample = 0; sample < samples; sample++)
    probes.forEach(({ upload, thenImport }, i) => {
      const imports = [upload.entry, ...(thenImport ? [thenImport] : [])]
        .map((path) => `await import(${JSON.stringify(`./${path}`)});`)
        .join(" ");
      const probe = `const t = performance.now(); ${imports} console.log(performance.now() - t);`;
      const output = execFileSync(process.execPath, ["--input-type=module", "-e", probe], { cwd: dirs[i] });
      times[i].push(Number(output.toString()));
    });
  return times.map((list) => list.sort((a, b) => a - b)[Math.floor(samples / 2)]);
}
