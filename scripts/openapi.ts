// Writes the OpenAPI document (worker/src/openapi/document.ts) to site/public/openapi.json, which
// the assets layer serves and GET /api/openapi.json answers with. `npm run build` runs it; the file
// is committed so the docs page and typecheck have it, and tests/worker/openapi.test.ts fails when
// it is not what the routes generate now.
// The app is bundled for Node first: it imports `cloudflare:workers` (the rate limiter's Durable
// Object class), which only needs to exist here, never to run.
import { build, type Plugin } from "esbuild";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { format, resolveConfig } from "prettier";

const ROOT = resolve(import.meta.dirname, "..");
export const OPENAPI_FILE = resolve(ROOT, "site/public/openapi.json");

const workersRuntime: Plugin = {
  name: "cloudflare-workers-stand-in",
  setup(plugin) {
    plugin.onResolve({ filter: /^cloudflare:workers$/ }, () => ({ path: "workers", namespace: "stand-in" }));
    plugin.onLoad({ filter: /.*/, namespace: "stand-in" }, () => ({
      contents: "export class DurableObject {}",
      loader: "js",
    }));
  },
};

const result = await build({
  stdin: {
    contents: `import { families } from "./worker/src/index.ts";
import { openApiDocument } from "./worker/src/openapi/document.ts";
export const document = await openApiDocument(await families.all());`,
    resolveDir: ROOT,
    loader: "ts",
  },
  bundle: true,
  write: false,
  platform: "node",
  format: "esm",
  target: "node22",
  plugins: [workersRuntime],
  logLevel: "warning",
});
const dir = mkdtempSync(join(tmpdir(), "sightline-openapi-"));
try {
  const bundle = join(dir, "document.mjs");
  writeFileSync(bundle, result.outputFiles[0]!.contents);
  const { document } = (await import(pathToFileURL(bundle).href)) as { document: unknown };
  // Formatted as `npm run lint` expects (the project's Prettier settings).
  const options = { ...(await resolveConfig(OPENAPI_FILE)), filepath: OPENAPI_FILE };
  writeFileSync(OPENAPI_FILE, await format(JSON.stringify(document), options));
  console.log(`wrote ${OPENAPI_FILE}`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
