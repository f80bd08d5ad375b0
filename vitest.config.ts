import { cloudflareTest } from "@cloudflare/vitest-plugin";
import { defineConfig } from "vitest/config";
import { mailboxService } from "./scripts/simulated-mail.ts";

export default defineConfig({
  test: {
    // The Worker logs JSON lines (errors it handled, audit events); show them only for failing tests.
    silent: "passed-only",
    // Global setups run in plain Node (a project's own would be resolved with workerd conditions).
    globalSetup: ["tests/support/worker.global.ts"],
    projects: [
      {
        // Worker tests run inside workerd against a real Postgres started for this run.
        plugins: [
          cloudflareTest(async ({ inject }) => ({
            wrangler: { configPath: "./wrangler.toml" },
            miniflare: {
              bindings: {
                DATABASE_URL: inject("appDatabaseUrl"),
                DB_WS_PROXY: inject("relayAddress"),
                TEST_OWNER_DATABASE_URL: inject("ownerDatabaseUrl"),
                TEST_STOPPED_DATABASE_URL: inject("stoppedDatabaseUrl"),
                ...inject("workerSecrets"),
              },
              // Reads the messages the simulated EMAIL binding wrote (tests/worker/support/mail.ts).
              serviceBindings: { MAILBOX: mailboxService },
            },
          })),
        ],
        test: {
          name: "worker",
          include: ["tests/worker/**/*.test.ts"],
          testTimeout: 20_000,
        },
      },
      {
        test: {
          name: "unit",
          include: ["tests/unit/**/*.test.ts"],
          environment: "node",
        },
      },
      {
        // The whole stack as `npm run dev` runs it (wrangler dev, static site, Postgres) driven by a
        // real headless Chromium.
        test: {
          name: "e2e",
          include: ["tests/e2e/**/*.test.ts"],
          environment: "node",
          globalSetup: ["tests/support/stack.global.ts"],
          setupFiles: ["tests/e2e/support/on-failure.ts"],
          // Stack and browser start once; the files share them one after another.
          testTimeout: 60_000,
          hookTimeout: 60_000,
          // A page's chain of API calls takes seconds, not one, when the machine is busy.
          expect: { poll: { timeout: 10_000 } },
          fileParallelism: false,
        },
      },
    ],
  },
});
