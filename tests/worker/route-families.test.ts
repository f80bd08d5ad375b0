// The Worker's routers load by family on first use (worker/src/route-families.ts). Requests meet the
// same routes as in one app of all routes: every route of that app is in the family its own path is
// dispatched to, and the families together hold exactly its routes.
import { describe, expect, it } from "vitest";
import { families } from "../../worker/src/index.ts";
import { call } from "./helpers.ts";

const key = ({ method, path }: { method: string; path: string }) => `${method} ${path}`;

describe("route families", () => {
  it("every route is mounted in the family that its path is dispatched to", async () => {
    // What every family's app has whatever its routers: the Worker-wide middleware.
    const shared = new Set((await families.appOf("")).routes.map(key));
    const misplaced: string[] = [];
    for (const family of families.names()) {
      for (const route of (await families.appOf(family)).routes) {
        if (!shared.has(key(route)) && families.familyOf(route.path) !== family)
          misplaced.push(`${key(route)} in ${family}, dispatched to "${families.familyOf(route.path)}"`);
      }
    }
    expect(misplaced).toEqual([]);
  });

  it("the families together hold exactly the routes of one app of all routers", async () => {
    const all = (await families.all()).routes.map(key);
    const shared = new Set((await families.appOf("")).routes.map(key));
    const split = new Set<string>();
    for (const family of families.names())
      for (const route of (await families.appOf(family)).routes) split.add(key(route));
    expect([...split].sort()).toEqual([...new Set(all)].sort());
    expect(all.filter((route) => !shared.has(route)).length).toBeGreaterThan(60);
  });

  it("a family's app is built once per isolate", async () => {
    expect(families.appOf("/api/tenants")).toBe(families.appOf("/api/tenants"));
  });

  it("HEAD on a GET route of a family answers without a body, as Hono does", async () => {
    const response = await call("/api/health", { method: "HEAD" });
    expect(response.status).toBe(200);
    expect(await response.text()).toBe("");
  });
});
