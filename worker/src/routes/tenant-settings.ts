// Tenant settings for admins: the allowed browser origins of frontend tokens (GET/PUT), the RUM
// route patterns (GET/PUT) and the audit log (GET, newest first; the next page is in a Link header
// so the body stays a list).
import { Hono } from "hono";
import type { AppEnv } from "../env.ts";
import { HttpError } from "../errors.ts";
import { recordTenantEvent, requireTenantRole, signedInBrowser } from "../middleware/tenant.ts";
import { jsonBody } from "../request-body.ts";
import { listTenantAuditEvents } from "../tenancy/audit-log.ts";
import { listAllowedOrigins, MAX_ORIGINS, parseOrigin, replaceAllowedOrigins } from "../tenancy/origins.ts";
import {
  listRoutePatterns,
  MAX_ROUTE_PATTERN_CHARS,
  MAX_ROUTE_PATTERNS,
  parseRoutePattern,
  replaceRoutePatterns,
} from "../tenancy/rum-routes.ts";
import { rejectUnknownFields } from "../unknown-fields.ts";

const AUDIT_PAGE_DEFAULT = 50;
const AUDIT_PAGE_MAX = 200;

function originsFrom(value: unknown): string[] {
  if (!Array.isArray(value) || value.length > MAX_ORIGINS) {
    throw new HttpError(400, "INVALID_REQUEST", `origins: expected a list of at most ${MAX_ORIGINS} origins`);
  }
  return value.map((item, index) => {
    const origin = typeof item === "string" ? parseOrigin(item) : null;
    if (!origin) {
      throw new HttpError(
        400,
        "INVALID_REQUEST",
        `origins[${index}]: expected https://host[:port] (http only for localhost), no path or wildcard`,
      );
    }
    return origin;
  });
}

function routePatternsFrom(value: unknown): string[] {
  if (!Array.isArray(value) || value.length > MAX_ROUTE_PATTERNS) {
    throw new HttpError(
      400,
      "INVALID_REQUEST",
      `patterns: expected a list of at most ${MAX_ROUTE_PATTERNS} patterns`,
    );
  }
  const patterns = value.map((item, index) => {
    const pattern = parseRoutePattern(item);
    if (!pattern) {
      throw new HttpError(
        400,
        "INVALID_REQUEST",
        `patterns[${index}]: expected /literal/:param/… with an optional final /* (at most ${MAX_ROUTE_PATTERN_CHARS} characters)`,
      );
    }
    return pattern;
  });
  return [...new Set(patterns)];
}

function positiveInteger(text: string | undefined, field: string): number | null {
  if (text === undefined) return null;
  if (!/^[1-9][0-9]{0,15}$/.test(text))
    throw new HttpError(400, "INVALID_REQUEST", `${field}: expected a positive integer`);
  return Number(text);
}

export const tenantSettings = new Hono<AppEnv>()
  .get("/:tid/origins", ...signedInBrowser, requireTenantRole("admin"), async (c) =>
    c.json({ origins: await listAllowedOrigins(c.var.tenantTx) }),
  )
  .put("/:tid/origins", ...signedInBrowser, requireTenantRole("admin"), async (c) => {
    const body = await jsonBody(c);
    rejectUnknownFields(body, ["origins"]);
    const result = await replaceAllowedOrigins(c.var.tenantTx, c.var.tenant.id, originsFrom(body.origins));
    if (result.added.length + result.removed.length > 0) {
      await recordTenantEvent(c, "origins.changed", { added: result.added, removed: result.removed });
    }
    return c.json({ origins: result.origins });
  })
  .get("/:tid/rum/routes", ...signedInBrowser, requireTenantRole("admin"), async (c) =>
    c.json({ patterns: await listRoutePatterns(c.var.tenantTx) }),
  )
  .put("/:tid/rum/routes", ...signedInBrowser, requireTenantRole("admin"), async (c) => {
    const body = await jsonBody(c);
    rejectUnknownFields(body, ["patterns"]);
    const patterns = routePatternsFrom(body.patterns);
    const previous = await replaceRoutePatterns(c.var.tenantTx, c.var.tenant.id, patterns);
    if (previous.join("\n") !== patterns.join("\n")) {
      await recordTenantEvent(c, "rum_routes.changed", { previous, patterns });
    }
    return c.json({ patterns });
  })
  .get("/:tid/audit", ...signedInBrowser, requireTenantRole("admin"), async (c) => {
    const before = positiveInteger(c.req.query("before"), "before");
    const limit = Math.min(
      positiveInteger(c.req.query("limit"), "limit") ?? AUDIT_PAGE_DEFAULT,
      AUDIT_PAGE_MAX,
    );
    const events = await listTenantAuditEvents(c.var.tenantTx, c.var.tenant.id, { before, limit });
    if (events.length === limit) {
      const next = `/api/tenants/${c.var.tenant.id}/audit?before=${events[events.length - 1].id}&limit=${limit}`;
      c.header("Link", `<${next}>; rel="next"`);
    }
    return c.json(events);
  });
