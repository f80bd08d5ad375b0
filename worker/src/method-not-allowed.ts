import type { Hono } from "hono";
import type { AppEnv } from "./env.ts";
import { HttpError } from "./errors.ts";

/**
 * Hono answers 404 when a path exists under another method; the API contract says 405 with
 * `Allow`. Call once, after every router is mounted: each known path gets a catch-all that runs
 * only when none of its real methods matched.
 */
export function answerWrongMethodsWith405(app: Hono<AppEnv>): void {
  const methodsByPath = new Map<string, Set<string>>();
  for (const { path, method } of app.routes) {
    if (method === "ALL") continue; // middleware
    const methods = methodsByPath.get(path) ?? new Set<string>();
    methods.add(method);
    if (method === "GET") methods.add("HEAD");
    methodsByPath.set(path, methods);
  }
  for (const [path, methods] of methodsByPath) {
    const allow = [...methods].join(", ");
    app.all(path, () => {
      throw new HttpError(405, "METHOD_NOT_ALLOWED", `Allowed: ${allow}`, { Allow: allow });
    });
  }
}
