import { describe, expect, it } from "vitest";
import { defaultRoute, ROUTE_PATTERN, routeOf } from "../../rum-sdk/src/route-template.ts";

describe("route templates", () => {
  it("turns numbers, UUIDs, hashes and long tokens into :id and keeps words", () => {
    expect(defaultRoute("/")).toBe("/");
    expect(defaultRoute("")).toBe("/");
    expect(defaultRoute("/blog/42")).toBe("/blog/:id");
    expect(defaultRoute("/app/t/0b9e7c1e-7a44-4a55-9c1b-2f7e0d0a9b11/traces/")).toBe("/app/t/:id/traces");
    expect(defaultRoute("/commit/9f86d081884c7d659a2feaa0c55ad015a3bf4f1b")).toBe("/commit/:id");
    expect(defaultRoute("/o/ord_01HF3KQ7W9ZC2M4XBDY6")).toBe("/o/:id");
    expect(defaultRoute("/docs/getting-started")).toBe("/docs/getting-started");
    expect(defaultRoute("/facade/deadbeef")).toBe("/facade/deadbeef");
    expect(defaultRoute("/search?q=42#x")).toBe("/search");
  });

  it("bounds a route's depth and segment length (a route is a rollup key)", () => {
    expect(defaultRoute(`/${"a/".repeat(30)}`)).toBe(`/${Array(12).fill("a").join("/")}/*`);
    expect(defaultRoute(`/${"x".repeat(500)}`)).toBe(`/${"x".repeat(64)}`);
  });

  it("a tenant's first matching pattern wins: :param is one segment, a final * the rest", () => {
    const patterns = ["/app/t/:tid/traces", "/docs/*", "/app/t/:tid/:page"];
    expect(routeOf("/app/t/acme/traces", patterns)).toBe("/app/t/:tid/traces");
    expect(routeOf("/app/t/acme/logs", patterns)).toBe("/app/t/:tid/:page");
    expect(routeOf("/docs/a/b/c", patterns)).toBe("/docs/*");
    expect(routeOf("/docs", patterns)).toBe("/docs/*");
    expect(routeOf("/blog/7", patterns)).toBe("/blog/:id");
  });

  it("accepts only well-formed patterns", () => {
    for (const ok of ["/", "/*", "/a", "/a/:b", "/a/:b/c/*", "/v1.2/x_y-z~"])
      expect(ROUTE_PATTERN.test(ok), ok).toBe(true);
    for (const bad of ["", "a", "/a/", "//a", "/a/*/b", "/a?b", "/:1x", "/a b", "/a/:"])
      expect(ROUTE_PATTERN.test(bad), bad).toBe(false);
  });
});
