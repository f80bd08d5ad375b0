// GET /api/openapi.json: the OpenAPI document, generated at build time (scripts/openapi.ts) into
// the static assets and answered from there, so the Worker carries neither the generator nor the
// document. Public, like the docs pages, and limited per connecting IP.
import { Hono } from "hono";
import type { AppEnv } from "../env.ts";
import { HttpError } from "../errors.ts";
import { rateLimit } from "../middleware/rate-limit.ts";
import { ipKey } from "../rate-limit/keys.ts";

export const OPENAPI_ASSET = "/openapi.json";

const limitPerIp = rateLimit("api", async (c) => {
  const key = await ipKey(c.req.raw, c.env.RATE_LIMIT_SALT);
  return key && { key };
});

export const openapi = new Hono<AppEnv>().get("/", limitPerIp, async (c) => {
  const asset = await c.env.ASSETS.fetch(new URL(OPENAPI_ASSET, c.req.url));
  if (!asset.ok || !asset.body)
    throw new HttpError(404, "NOT_FOUND", "The OpenAPI document was not built (npm run build)");
  return c.body(asset.body, 200, { "Content-Type": "application/json; charset=utf-8" });
});
