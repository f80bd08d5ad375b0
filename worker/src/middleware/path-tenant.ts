// The tenant a request's path names (/api/tenants/:tid/...): only a well-formed UUID counts, so a
// malformed id never reaches the database.
import type { Context } from "hono";
import type { AppEnv } from "../env.ts";

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function isUuid(text: string | undefined): text is string {
  return text !== undefined && UUID.test(text);
}

/** The path's :tid, lower-cased, or undefined when the route has none or it is not a UUID. */
export function pathTenantId(c: Context<AppEnv>): string | undefined {
  const tenantId = c.req.param("tid")?.toLowerCase();
  return isUuid(tenantId) ? tenantId : undefined;
}
