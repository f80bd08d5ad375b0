// Bindings that only the test project adds (vitest.config.ts).
declare namespace Cloudflare {
  interface Env {
    TEST_OWNER_DATABASE_URL: string;
    TEST_STOPPED_DATABASE_URL: string;
    /** GET /?messageId=… → the simulated message's bodies (scripts/simulated-mail.ts). */
    MAILBOX: Fetcher;
  }
}

/** Vite's `?raw` imports: a file's text (tests/worker/scheduled.test.ts reads wrangler.toml). */
declare module "*?raw" {
  const text: string;
  export default text;
}
