// The deployed Worker's shape (scripts/build-worker.ts, docs/round-trips.md "Cold start"): code that
// one route family needs is in chunks a cold start does not evaluate. A structural check of the
// build, not a timing: `npm run bench` measures the sizes and the evaluation time.
import * as esbuild from "esbuild";
import { describe, expect, it } from "vitest";
import { eagerOutputs, workerBuildOptions } from "../../scripts/build-worker.ts";

/** Source files (and packages) that only route families, the queue or the Cron jobs use. */
const LAZY = [
  /^worker\/src\/routes\//, // every router: loaded with its family (worker/src/route-families.ts)
  /^db\/schema\//, // the tables: imported by the modules that query them
  // The database stack: imported by an isolate's first API request (middleware/database.ts).
  /^db\/client\.ts$/,
  /node_modules\/@neondatabase\/serverless\//,
  // (the error handler names drizzle's query error class: errors.js and entity.js, 1 KiB, stay)
  /node_modules\/drizzle-orm\/(?!(errors|entity)\.js$)/,
  /node_modules\/valibot\//, // request validation
  /^worker\/src\/middleware\/(session|rate-limit|csrf|tenant|api-token)\.ts$/,
  /^worker\/src\/(auth|tenancy|email|privacy|consent)\//,
  /node_modules\/@simplewebauthn\//, // passkey ceremonies
  /node_modules\/@peculiar\//, // its X.509 / ASN.1 stack
  /node_modules\/otplib\//, // TOTP
  /node_modules\/@bufbuild\/protobuf\//, // OTLP ingest
  /^worker\/src\/otlp\/(generated\/|decode|ingest|map-)/,
  /^worker\/src\/query\/(traces|logs|metrics|rum|services)\.ts$/, // telemetry reads
  /^worker\/src\/ingest-queue\/consumer\.ts$/, // the queue consumer
  // The Cron jobs (the retention policy itself is also read by a tenant settings route).
  /^worker\/src\/(scheduled\.ts|retention\/(?!policy\.ts))/,
];

async function build() {
  const { metafile } = await esbuild.build({ ...workerBuildOptions, write: false, logLevel: "silent" });
  const eager = eagerOutputs(metafile);
  const inputsOf = (outputs: string[]) =>
    outputs.flatMap((output) => Object.keys(metafile.outputs[output].inputs));
  const all = Object.keys(metafile.outputs).filter((output) => output.endsWith(".mjs"));
  return {
    eagerInputs: inputsOf([...eager]),
    lazyInputs: inputsOf(all.filter((output) => !eager.has(output))),
  };
}

// One build for both checks (a build takes seconds on a busy machine).
let built: ReturnType<typeof build> | undefined;
const theBuild = () => (built ??= build());

describe("the built Worker", () => {
  it("route-family code is not evaluated at start-up: it is only in chunks reached through import()", async () => {
    const { eagerInputs, lazyInputs } = await theBuild();
    for (const pattern of LAZY) {
      expect(eagerInputs.filter((input) => pattern.test(input))).toEqual([]);
      // …and it is in the build at all (a pattern that matches nothing would prove nothing).
      expect(lazyInputs.some((input) => pattern.test(input))).toBe(true);
    }
  });

  it("evaluates what every request needs at start-up: the dispatch, Hono, the request middleware", async () => {
    const { eagerInputs } = await theBuild();
    for (const input of [
      "worker/src/index.ts",
      "worker/src/route-families.ts",
      "node_modules/hono/dist/hono-base.js",
      "worker/src/middleware/database.ts",
      "worker/src/rate-limiter.ts",
      "worker/src/token-lookup.ts",
    ])
      expect(eagerInputs).toContain(input);
  });
});
