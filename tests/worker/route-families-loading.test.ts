// The mechanism that loads route families on first use (worker/src/route-families.ts), with small
// routers of its own; the Worker's own families are checked in route-families.test.ts.
import { Hono } from "hono";
import { describe, expect, it } from "vitest";
import type { AppEnv } from "../../worker/src/env.ts";
import { routeFamilies, type Compose, type Mount } from "../../worker/src/route-families.ts";

const router = (path: string, answer: string) => new Hono<AppEnv>().get(path, (c) => c.text(answer));

const compose: Compose = (routers) => {
  const app = new Hono<AppEnv>();
  for (const [path, mounted] of routers) app.route(path, mounted);
  return app;
};

/** Mounts that count how often each router was imported. */
function counted(entries: [path: string, answer: string][]) {
  const imports = new Map<string, number>();
  const mounts: Mount[] = entries.map(([path, answer]) => [
    path,
    async () => {
      imports.set(answer, (imports.get(answer) ?? 0) + 1);
      return router(path.startsWith("/v1") ? "/:signal{traces|logs}" : "/", answer);
    },
  ]);
  return { mounts, imports };
}

const ctx = { waitUntil() {}, passThroughOnException() {}, props: {} } as unknown as ExecutionContext;
const get = (families: ReturnType<typeof routeFamilies>, path: string) =>
  families.fetch(new Request(`http://localhost${path}`), {} as Env, ctx);

describe("route families", () => {
  it("groups routers by the first two segments of their mount path", () => {
    const { mounts } = counted([
      ["/api/auth", "auth"],
      ["/api/auth/passkeys", "passkeys"],
      ["/api/tenants/:tid/limits", "limits"],
      ["/v1/consent", "consent"],
      ["/v1", "otlp"],
    ]);
    const families = routeFamilies(mounts, compose);
    expect(families.names()).toEqual(["/api/auth", "/api/tenants", "/v1/consent", "/v1"]);
    expect(families.familyOf("/api/auth/passkeys/x")).toBe("/api/auth");
    expect(families.familyOf("/api/tenants/1/limits")).toBe("/api/tenants");
    expect(families.familyOf("/v1/consent")).toBe("/v1/consent");
    expect(families.familyOf("/v1/traces")).toBe("/v1");
    expect(families.familyOf("/api/unknown")).toBe("");
    expect(families.familyOf("/")).toBe("");
  });

  it("imports a family's routers on its first request only, and no other family's", async () => {
    const { mounts, imports } = counted([
      ["/api/me", "me"],
      ["/api/auth", "auth"],
      ["/api/auth/email", "email"],
    ]);
    const families = routeFamilies(mounts, compose);
    expect(imports.size).toBe(0);
    expect(await (await get(families, "/api/me")).text()).toBe("me");
    expect(await (await get(families, "/api/me")).text()).toBe("me");
    expect(Object.fromEntries(imports)).toEqual({ me: 1 });
    expect(await (await get(families, "/api/auth/email")).text()).toBe("email");
    expect(Object.fromEntries(imports)).toEqual({ me: 1, auth: 1, email: 1 });
  });

  it("answers a path no family mounts from an app without routers", async () => {
    const { mounts, imports } = counted([["/api/me", "me"]]);
    const response = await get(routeFamilies(mounts, compose), "/api/other");
    expect(response.status).toBe(404);
    expect(imports.size).toBe(0);
  });

  it("reads the path as Hono does: a percent-encoded segment reaches the family Hono routes it to", async () => {
    const { mounts } = counted([["/api/me", "me"]]);
    expect(await (await get(routeFamilies(mounts, compose), "/api/%6De")).text()).toBe("me");
  });

  it("tries a failed import again on the next request instead of remembering the failure", async () => {
    let attempts = 0;
    const families = routeFamilies(
      [
        [
          "/api/me",
          async () => {
            if (++attempts === 1) throw new Error("chunk unavailable");
            return router("/", "me");
          },
        ],
      ],
      compose,
    );
    await expect(get(families, "/api/me")).rejects.toThrow("chunk unavailable");
    expect(await (await get(families, "/api/me")).text()).toBe("me");
    expect(attempts).toBe(2);
  });

  it("all() mounts every router in one app, in mount order", async () => {
    const { mounts } = counted([
      ["/api/me", "me"],
      ["/v1", "otlp"],
      ["/api/auth", "auth"],
    ]);
    const app = await routeFamilies(mounts, compose).all();
    expect(app.routes.map(({ path }) => path)).toEqual(["/api/me", "/v1/:signal{traces|logs}", "/api/auth"]);
  });

  it("refuses a family named by a parameter: its requests could not be told apart", () => {
    expect(() => routeFamilies([["/api/:tid", async () => router("/", "x")]], compose)).toThrow(
      "literal segments",
    );
  });
});
