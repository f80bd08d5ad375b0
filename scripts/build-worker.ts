// `npm run build:worker`: the Worker as it is deployed (docs/round-trips.md, "Cold start"). esbuild
// with code splitting: dist/worker/index.mjs is the entry module, and every dynamic import() in the
// code (a route family's library, decoder or query modules) becomes a chunk under
// dist/worker/chunks/ that workerd evaluates only when a request first needs it. wrangler uploads
// the files as they are (WRANGLER_BUILD_ARGS; wrangler.toml: find_additional_modules, rules): its
// own bundler inlines dynamic imports into one file, which would evaluate them at start-up again.
// `npm run dev`, the e2e tests and the bench run this build too (scripts/local-stack.ts).
import { rmSync } from "node:fs";
import { join } from "node:path";
import * as esbuild from "esbuild";

const ROOT = join(import.meta.dirname, "..");
export const WORKER_OUT = join(ROOT, "dist/worker");

/** The arguments that make `wrangler deploy` / `wrangler dev` take the build as it is. */
export const WRANGLER_BUILD_ARGS = ["dist/worker/index.mjs", "--no-bundle"];

/** What wrangler's own bundler would use for this Worker, plus splitting. */
export const workerBuildOptions = {
  absWorkingDir: ROOT,
  entryPoints: { index: "worker/src/index.ts" },
  outdir: WORKER_OUT,
  chunkNames: "chunks/[name]-[hash]",
  // ES modules whatever the nearest package.json says (wrangler.toml's module rule names them).
  outExtension: { ".js": ".mjs" },
  bundle: true,
  splitting: true,
  format: "esm",
  // wrangler's resolution for Workers: the `workerd` / `worker` / `browser` package exports.
  platform: "neutral",
  conditions: ["workerd", "worker", "browser"],
  mainFields: ["browser", "module", "main"],
  target: "es2024",
  // Runtime modules; the code imports no Node built-ins (nodejs_compat stays for dependencies).
  external: ["cloudflare:*", "node:*"],
  minify: true,
  // Stack traces in `wrangler dev`, `wrangler tail` and Workers Logs point at the sources.
  sourcemap: "linked",
  metafile: true,
  logLevel: "warning",
} satisfies esbuild.BuildOptions;

/**
 * The outputs a cold start evaluates: the entry module and, transitively, what it imports
 * statically. A chunk reached only through import() is not among them.
 */
export function eagerOutputs(metafile: esbuild.Metafile): Set<string> {
  const entry = Object.keys(metafile.outputs).find((output) => output.endsWith("/index.mjs"))!;
  const eager = new Set<string>();
  for (const pending = [entry]; pending.length > 0;) {
    const output = pending.pop()!;
    if (eager.has(output)) continue;
    eager.add(output);
    for (const { path, kind } of metafile.outputs[output].imports)
      if (kind === "import-statement" && path in metafile.outputs) pending.push(path);
  }
  return eager;
}

/** One build from scratch (stale chunks with old hashes are removed first). */
export async function buildWorker(): Promise<esbuild.Metafile> {
  rmSync(WORKER_OUT, { recursive: true, force: true });
  const result = await esbuild.build(workerBuildOptions);
  return result.metafile;
}

/** Rebuilds on every change of a source file (`npm run dev`); wrangler dev reloads the output. */
export async function watchWorker(): Promise<{ stop(): Promise<void> }> {
  rmSync(WORKER_OUT, { recursive: true, force: true });
  const context = await esbuild.context(workerBuildOptions);
  await context.rebuild();
  await context.watch();
  return { stop: () => context.dispose() };
}

if (import.meta.main) await buildWorker();
