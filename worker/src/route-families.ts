// Route families (docs/round-trips.md, "Cold start"): the routers grouped by the first two segments
// of the path each is mounted at ("/api/auth", "/api/tenants", "/v1/consent", and "/v1" for the one
// mounted at "/v1"). A cold isolate evaluates none of them: the first request under a family's
// prefix imports its routers and builds its app, which the isolate then keeps. Every family's app is
// composed as one app of all routes would be (index.ts: the same middleware, 405s, 404 and
// error handling) and a request goes to the family that mounts the routes Hono would match, so it
// meets the same handlers, in the same order, as before the split.
import type { Hono } from "hono";
import { getPath } from "hono/utils/url";
import type { AppEnv } from "./env.ts";

type App = Hono<AppEnv>;
/** Where a router is mounted, and how to import it (when its family is first used). */
export type Mount = [path: string, router: () => Promise<App>];
/** Builds one app of these routers, mounted in this order. */
export type Compose = (routers: [path: string, router: App][]) => App;

/** The first `count` segments of a path: "/api/tenants/:tid", 2 → "/api/tenants". */
const leading = (path: string, count: number) =>
  path
    .split("/")
    .slice(0, count + 1)
    .join("/");

export function routeFamilies(mounts: Mount[], compose: Compose) {
  const families = new Map<string, Mount[]>();
  for (const mount of mounts) {
    const family = leading(mount[0], 2);
    if (/[:*{]/.test(family)) throw new Error(`${mount[0]}: a family is named by literal segments`);
    families.set(family, [...(families.get(family) ?? []), mount]);
  }
  const build = async (members: Mount[]) =>
    compose(await Promise.all(members.map(async ([path, router]) => [path, await router()] as const)));
  const apps = new Map<string, Promise<App>>();

  /**
   * The family whose routers serve `path` (as Hono reads it): the one named by its first two
   * segments, else by its first ("/v1/traces" → "/v1"), else none (""), whose app has no routes and
   * answers 404 like any unknown path.
   */
  const familyOf = (path: string) =>
    [leading(path, 2), leading(path, 1)].find((family) => families.has(family)) ?? "";

  /** The family's app, built once per isolate; a failed import is tried again by the next request. */
  const appOf = (family: string): Promise<App> => {
    let app = apps.get(family);
    if (!app) {
      app = build(families.get(family) ?? []);
      app.catch(() => apps.delete(family));
      apps.set(family, app);
    }
    return app;
  };

  return {
    familyOf,
    appOf,
    names: () => [...families.keys()],
    /** One app of every route, in mount order: what the OpenAPI document and the coverage tests read. */
    all: () => build(mounts),
    fetch: async (request: Request, env: Env, ctx: ExecutionContext) =>
      (await appOf(familyOf(getPath(request)))).fetch(request, env, ctx),
  };
}
