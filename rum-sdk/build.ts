// Builds the RUM SDK into site/public/rum/ (gitignored), where Astro copies it into site/dist.
// `npm run build` runs this before the site build.
import { build } from "esbuild";
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { dirname, resolve } from "node:path";

const ROOT = resolve(import.meta.dirname, "..");

export const SDK_OUTFILE = resolve(ROOT, "site/public/rum/sdk.js");

/** The minified SDK bundle, as shipped. */
export async function bundleRumSdk(): Promise<Uint8Array> {
  const result = await build({
    entryPoints: [resolve(ROOT, "rum-sdk/src/index.ts")],
    write: false,
    bundle: true,
    minify: true,
    format: "esm",
    target: "es2022",
    // "module" is dropped from esbuild's defaults once conditions are set, and without it the
    // OpenTelemetry packages resolve to their CommonJS builds, which do not tree-shake.
    conditions: ["browser", "module"],
    mainFields: ["browser", "module", "main"],
    legalComments: "none",
    logLevel: "warning",
  });
  return result.outputFiles[0]!.contents;
}

export async function buildRumSdk(): Promise<void> {
  const bundle = await bundleRumSdk();
  rmSync(dirname(SDK_OUTFILE), { recursive: true, force: true });
  mkdirSync(dirname(SDK_OUTFILE), { recursive: true });
  writeFileSync(SDK_OUTFILE, bundle);
}

if (import.meta.main) await buildRumSdk();
