// SECURITY C.17: every cookie-authenticated state change must come from the app's own origin. This
// walks every state-changing /api route the Worker has (so a route added later without the CSRF
// guard fails here) and sends it a cross-site request carrying a valid session cookie.
import { describe, expect, it } from "vitest";
import { families } from "../../worker/src/index.ts";
import { call, problemOf } from "./helpers.ts";
import { SESSION_COOKIE } from "./support/accounts.ts";
import { signedInUser } from "./support/tenancy.ts";

const app = await families.all();

const UNSAFE = new Set(["POST", "PUT", "PATCH", "DELETE"]);
// /api/bench/* answers 404 unless the Worker runs with BENCH=1 (never in production).
const routes = [
  ...new Set(
    app.routes
      .filter(
        ({ method, path }) =>
          UNSAFE.has(method) && path.startsWith("/api/") && !path.startsWith("/api/bench"),
      )
      .map(({ method, path }) => `${method} ${path}`),
  ),
];

async function crossSite(route: string, headers: Record<string, string>): Promise<Response> {
  const { cookie } = await signedInUser();
  const [method, pattern] = route.split(" ");
  // Any id will do: the request must be refused before anything looks it up.
  const path = pattern.replace(/:\w+(\{[^}]*\})?/g, crypto.randomUUID());
  return call(path, {
    method,
    headers: { ...headers, Cookie: `${SESSION_COOKIE}=${cookie}`, "Content-Type": "application/json" },
    body: "{}",
  });
}

describe("csrf: every state-changing /api route", () => {
  it("has routes to check", () => {
    expect(routes.length).toBeGreaterThan(20);
  });

  it.each(routes)("csrf: %s from another site's Origin → 403 CSRF_REJECTED", async (route) => {
    const response = await crossSite(route, { Origin: "https://evil.example" });
    expect(response.status).toBe(403);
    expect((await problemOf(response)).code).toBe("CSRF_REJECTED");
  });

  it.each(routes)("csrf: %s from a same-site subdomain without Origin → 403 CSRF_REJECTED", async (route) => {
    const response = await crossSite(route, { "Sec-Fetch-Site": "same-site" });
    expect(response.status).toBe(403);
    expect((await problemOf(response)).code).toBe("CSRF_REJECTED");
  });
});
