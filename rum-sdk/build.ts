// Builds the RUM SDK into site/public/rum/ (gitignored), where Astro copies it into site/dist.
// `npm run build` runs this before the site build.
import { build } from "esbuild";
import { resolve } from "node:path";

const ROOT = resolve(import.meta.dirname, "..");

export const SDK_OUTFILE = resolve(ROOT, "site/public/rum/sdk.js");

export async function buildRumSdk(): Promise<void> {
  await build({
    entryPoints: [resolve(ROOT, "rum-sdk/src/index.ts")],
    outfile: SDK_OUTFILE,
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
}

if (import.meta.main) await buildRumSdk();
