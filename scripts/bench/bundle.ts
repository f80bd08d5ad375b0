// Worker bundle size (as `wrangler deploy --dry-run --minify` would upload it) and module startup
// cost, each next to the bare baseline Worker.
import { execFileSync } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { spawn } from "node:child_process";
import { freePort } from "../../db/local/free-port.ts";
import { OFFLINE_ENV, ROOT } from "../local-stack.ts";

export function bundleWorker(config: string): string {
  const outdir = mkdtempSync(join(tmpdir(), "sightline-bundle-"));
  execFileSync(
    join(ROOT, "node_modules/.bin/wrangler"),
    ["deploy", "--dry-run", "--minify", `--outdir=${outdir}`, `--config=${config}`],
    { cwd: ROOT, env: { ...process.env, ...OFFLINE_ENV }, stdio: "ignore" },
  );
  const file = readdirSync(outdir).find((name) => name.endsWith(".js"));
  if (!file) throw new Error(`no bundle in ${outdir}`);
  return join(outdir, file);
}

export function sizes(file: string): { minified: number; gzip: number } {
  const code = readFileSync(file);
  return { minified: code.length, gzip: gzipSync(code, { level: 9 }).length };
}

/**
 * Median cold start of `wrangler dev` with this config until its first answer. Most of it is
 * wrangler and workerd themselves, the same for both Workers: the difference to the bare baseline
 * is what loading and evaluating our module costs.
 */
export async function coldStartMs(config: string, path: string, secrets: Record<string, string>, runs = 3) {
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const port = await freePort();
    const t0 = performance.now();
    const child = spawn(
      join(ROOT, "node_modules/.bin/wrangler"),
      [
        "dev",
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

/**
 * Median time V8 (Node 22) takes to load and evaluate the bundle's top level, each sample in a
 * fresh process: what an isolate pays on a cold start before it can answer the first request.
 * Code behind a dynamic import() is bundled but evaluated only when first used.
 */
export function moduleEvaluationMs(file: string, samples = 5): number {
  const dir = mkdtempSync(join(tmpdir(), "sightline-eval-"));
  writeFileSync(join(dir, "cloudflare-workers.mjs"), CLOUDFLARE_WORKERS_SHIM);
  const code = readFileSync(file, "utf8").replaceAll(
    /(["'])cloudflare:workers\1/g,
    '"./cloudflare-workers.mjs"',
  );
  writeFileSync(join(dir, "worker.mjs"), code);
  const probe =
    "const t = performance.now(); await import('./worker.mjs'); console.log(performance.now() - t);";
  const times = Array.from({ length: samples }, () =>
    Number(execFileSync(process.execPath, ["--input-type=module", "-e", probe], { cwd: dir }).toString()),
  );
  return times.sort((a, b) => a - b)[Math.floor(samples / 2)];
}
