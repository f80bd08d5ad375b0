// Every e2e test that fails prints the tail of wrangler dev's log (its request lines and the
// Worker's errors), so a failure on a CI machine says what the server saw, not only the browser.
import { beforeEach, inject } from "vitest";

beforeEach(({ onTestFailed }) => {
  onTestFailed(async () => {
    const response = await fetch(`${inject("stackControlUrl")}/worker-output`);
    console.error(`wrangler dev, last lines:\n${await response.text()}`);
  });
});
