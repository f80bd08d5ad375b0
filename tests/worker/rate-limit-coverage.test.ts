// Every mounted route has a rate-limit policy (like the CSRF coverage test): this walks the routes
// the Worker serves and sends each one a plausible request from a signed-in owner, from a known
// IP, with a token where the route takes one. Whatever the answer (200, 400, 404…), some limiter
// must have decided on it, which every limited response says in RateLimit-Policy. A route added
// later without a limit fails here, so a new account route cannot be silently unlimited.
import { describe, expect, it } from "vitest";
import { families } from "../../worker/src/index.ts";
import { call, ORIGIN } from "./helpers.ts";
import { SESSION_COOKIE } from "./support/accounts.ts";
import { as, createToken, tenantWithRoles } from "./support/tenancy.ts";

const app = await families.all();

const METHODS = new Set(["GET", "POST", "PUT", "PATCH", "DELETE"]);
/** Routes that are deliberately not limited, and why. */
const EXEMPT: Record<string, string> = {
  // A liveness probe for the platform and uptime monitors: one `SELECT 1`, no data, no session.
  "GET /api/health": "health check",
};

const routes = [
  ...new Set(
    app.routes
      .filter(({ method, path }) => METHODS.has(method) && !path.startsWith("/api/bench"))
      .map(({ method, path }) => `${method} ${path}`),
  ),
].filter((route) => !(route in EXEMPT));

async function probe(route: string): Promise<Response> {
  const { id, users } = await tenantWithRoles();
  const [method, pattern] = route.split(" ");
  const path = pattern
    .replace(/:signal\{[^}]*\}/, "traces")
    .replace(":tid", id)
    .replace(/:\w+(\{[^}]*\})?/g, crypto.randomUUID());
  const headers: Record<string, string> = {
    Origin: ORIGIN,
    "CF-Connecting-IP": `203.0.113.${1 + Math.floor(Math.random() * 250)}`,
    Cookie: `${SESSION_COOKIE}=${users.owner.cookie}`,
  };
  if (path.startsWith("/v1/consent")) {
    // Receipts are for frontend tokens from the tenant's allowed origins; anything else is refused
    // before the browser's per-IP bucket is reached.
    const origins = await as(users.owner, `/api/tenants/${id}/origins`, {
      method: "PUT",
      json: { origins: [ORIGIN] },
    });
    expect(origins.status).toBe(200);
    const frontend = await createToken(id, users.owner, { name: "web", type: "frontend" });
    headers.Authorization = `Bearer ${frontend.token}`;
    return call(path, { method, headers: { ...headers, "Content-Type": "application/json" }, body: "{}" });
  }
  if (path.startsWith("/v1/")) {
    headers.Authorization = `Bearer ${(await createToken(id, users.owner)).token}`;
    headers["Content-Type"] = "application/x-protobuf";
    return call(path, { method, headers, body: new Uint8Array(0) });
  }
  if (method === "GET" || method === "DELETE") return call(path, { method, headers });
  return call(path, { method, headers: { ...headers, "Content-Type": "application/json" }, body: "{}" });
}

describe("rate limits: every mounted route", () => {
  it("has routes to check", () => {
    expect(routes.length).toBeGreaterThan(40);
  });

  it.each(routes)(
    "ratelimit: %s is decided by a rate limiter (RateLimit-Policy on its answer)",
    async (route) => {
      const response = await probe(route);
      const policies = response.headers.get("RateLimit-Policy");
      expect(policies, `${response.status} ${await response.text()}`).toMatch(/^"[a-z-]+";q=\d+;w=\d+/);
      // Limits are declared per router: overlapping declarations would spend a bucket twice.
      const names = [...policies!.matchAll(/"([a-z-]+)"/g)].map(([, name]) => name);
      expect(new Set(names).size, policies!).toBe(names.length);
    },
  );
});
