// The deployed Worker's shape (scripts/build-worker.ts, docs/round-trips.md "Cold start"): code that
// one route family needs is in chunks a cold start does not evaluate. A structural check of the
// build, not a timing: `npm run bench` measures the sizes and the evaluation time.
import * as esbuild from "esbuild";
import { describe, expect, it } from "vitest";
import { eagerOutputs, workerBuildOptions } from "../../scripts/build-worker.ts";

/** Source files (and packages) that only one route family, the queue or the Cron jobs use. */
const LAZY = [
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

describe("the built Worker", () => {
  it("route-family code is not evaluated at start-up: it is only in chunks reached through import()", async () => {
    const { eagerInputs, lazyInputs } = await build();
    for (const pattern of LAZY) {
      expect(eagerInputs.filter((input) => pattern.test(input))).toEqual([]);
      // …and it is in the build at all (a pattern that matches nothing would prove nothing).
      expect(lazyInputs.some((input) => pattern.test(input))).toBe(true);
    }
  });

  it("evaluates the router, the middleware and the database driver at start-up", async () => {
    const { eagerInputs } = await build();
    for (const input of ["worker/src/index.ts", "worker/src/middleware/session.ts", "db/client.ts"])
      expect(eagerInputs).toContain(input);
  });
});
