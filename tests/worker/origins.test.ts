// Allowed origins: only https://host[:port] (http only for localhost), normalised, never `*`;
// the token lookup (allowedOrigins) and isOriginAllowedByAnyTenant serve ingest CORS.
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { withTenant } from "../../db/tenant-scope.ts";
import { authenticateApiToken } from "../../worker/src/middleware/api-token.ts";
import { createApiToken } from "../../worker/src/tenancy/api-tokens.ts";
import { isOriginAllowedByAnyTenant, parseOrigin } from "../../worker/src/tenancy/origins.ts";
import { problemOf } from "./helpers.ts";
import { as, tenantWithRoles, withDb } from "./support/tenancy.ts";

describe("origin validation", () => {
  it.each([
    ["https://example.com", "https://example.com"],
    ["https://Example.COM/", "https://example.com"],
    ["https://app.example.com:8443", "https://app.example.com:8443"],
    ["https://example.com:443", "https://example.com"],
    ["http://localhost:4321", "http://localhost:4321"],
    ["http://127.0.0.1:3000", "http://127.0.0.1:3000"],
  ])("%s is accepted as %s", (input, normalised) => {
    expect(parseOrigin(input)).toBe(normalised);
  });

  it.each([
    "*",
    "https://*.example.com",
    "http://example.com",
    "https://example.com/path",
    "https://example.com?x=1",
    "https://example.com#top",
    "https://user:pass@example.com",
    "ftp://example.com",
    "javascript:alert(1)",
    "null",
    "example.com",
    "https://",
    " https://example.com",
    "https://exa mple.com",
  ])("%s is refused", (input) => {
    expect(parseOrigin(input)).toBeNull();
  });
});

describe("allowed origins API", () => {
  it("an admin replaces the list; it is stored normalised and served to ingest", async () => {
    const { id, users } = await tenantWithRoles();
    const put = await as(users.admin, `/api/tenants/${id}/origins`, {
      method: "PUT",
      json: { origins: ["https://Shop.example.com/", "http://localhost:4321", "https://shop.example.com"] },
    });
    expect(put.status).toBe(200);
    expect(await put.json()).toEqual({ origins: ["http://localhost:4321", "https://shop.example.com"] });
    expect(await (await as(users.admin, `/api/tenants/${id}/origins`)).json()).toEqual({
      origins: ["http://localhost:4321", "https://shop.example.com"],
    });
    const { token } = await withDb((db) =>
      withTenant(db, id, (tx) =>
        createApiToken(tx, id, {
          name: "site",
          description: "",
          type: "frontend",
          expiresAt: null,
          createdBy: null,
        }),
      ),
    );
    expect((await authenticateApiToken(env, token, new Date()))?.allowedOrigins).toEqual([
      "http://localhost:4321",
      "https://shop.example.com",
    ]);
    const cleared = await as(users.admin, `/api/tenants/${id}/origins`, {
      method: "PUT",
      json: { origins: [] },
    });
    expect(await cleared.json()).toEqual({ origins: [] });
    // The lookup caches nothing: the next browser batch is refused.
    expect((await authenticateApiToken(env, token, new Date()))?.allowedOrigins).toEqual([]);
  });

  it("a wildcard or a plain-http origin is refused with 400 naming the entry", async () => {
    const { id, users } = await tenantWithRoles();
    for (const origins of [
      ["*"],
      ["https://ok.example", "http://shop.example.com"],
      "https://x.example",
      [42],
    ]) {
      const response = await as(users.admin, `/api/tenants/${id}/origins`, {
        method: "PUT",
        json: { origins },
      });
      expect(response.status, JSON.stringify(origins)).toBe(400);
      expect((await problemOf(response)).code).toBe("INVALID_REQUEST");
    }
    const tooMany = Array.from({ length: 51 }, (_, i) => `https://s${i}.example.com`);
    expect(
      (await as(users.admin, `/api/tenants/${id}/origins`, { method: "PUT", json: { origins: tooMany } }))
        .status,
    ).toBe(400);
  });

  it("a preflight check learns only whether some tenant allows an origin", async () => {
    const { id, users } = await tenantWithRoles();
    const origin = `https://${crypto.randomUUID()}.example.com`;
    expect(await withDb((db) => isOriginAllowedByAnyTenant(db, origin))).toBe(false);
    await as(users.admin, `/api/tenants/${id}/origins`, { method: "PUT", json: { origins: [origin] } });
    expect(await withDb((db) => isOriginAllowedByAnyTenant(db, origin))).toBe(true);
    expect(await withDb((db) => isOriginAllowedByAnyTenant(db, "*"))).toBe(false);
  });
});
