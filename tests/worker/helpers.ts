import { env, exports } from "cloudflare:workers";
import { createExecutionContext, waitOnExecutionContext } from "cloudflare:test";
import { Client } from "@neondatabase/serverless";
import { useLocalRelay } from "../../db/client.ts";
import worker from "../../worker/src/index.ts";

export const ORIGIN = "http://localhost:8787";

/** A request through the Worker's fetch handler (not the static-assets layer). */
export function call(path: string, init?: RequestInit): Promise<Response> {
  return exports.default.fetch(new Request(new URL(path, ORIGIN), init));
}

/** The Worker's fetch handler with some bindings replaced, e.g. a database that is down. */
export async function callWithEnv(
  overrides: Partial<Env>,
  path: string,
  init?: RequestInit,
): Promise<Response> {
  const ctx = createExecutionContext();
  const response = await worker.fetch(
    new Request(new URL(path, ORIGIN), init),
    { ...env, ...overrides },
    ctx,
  );
  await waitOnExecutionContext(ctx);
  return response;
}

/** A raw connection as the given role, through the relay, as the Worker connects. */
export async function connect(url: string): Promise<Client> {
  useLocalRelay(env.DB_WS_PROXY);
  const client = new Client(url);
  client.on("error", () => {});
  await client.connect();
  return client;
}

export async function problemOf(response: Response): Promise<Record<string, unknown>> {
  if (response.headers.get("Content-Type") !== "application/problem+json") {
    throw new Error(
      `expected problem+json, got ${response.headers.get("Content-Type")}: ${await response.text()}`,
    );
  }
  return response.json();
}

/** The Postgres error behind a drizzle "Failed query" error. */
export async function postgresErrorOf(work: Promise<unknown>): Promise<string> {
  try {
    await work;
  } catch (error) {
    const cause = (error as { cause?: { message?: string } }).cause;
    return cause?.message ?? String(error);
  }
  throw new Error("expected the query to fail");
}
