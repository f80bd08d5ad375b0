// Tenant settings for admins: the allowed browser origins of frontend tokens (GET/PUT), the RUM
// route patterns (GET/PUT) and the audit log (GET, newest first; the next page is in a Link header
// so the body stays a list). Whether browser log records keep their text is the owner's call
// (GET/PUT /rum/privacy): it decides what personal data the tenant collects.
import { Hono } from "hono";
import * as v from "valibot";
import type { AppEnv } from "../env.ts";
import { recordTenantEvent, requireTenantRole, signedInBrowser } from "../middleware/tenant.ts";
import { jsonBody, positiveIntegerText, query } from "../request-schema.ts";
import { listTenantAuditEvents } from "../tenancy/audit-log.ts";
import { browserLogTextOf, setBrowserLogText } from "../tenancy/browser-log-text.ts";
import { listAllowedOrigins, MAX_ORIGINS, parseOrigin, replaceAllowedOrigins } from "../tenancy/origins.ts";
import {
  listRoutePatterns,
  MAX_ROUTE_PATTERN_CHARS,
  MAX_ROUTE_PATTERNS,
  parseRoutePattern,
  replaceRoutePatterns,
} from "../tenancy/rum-routes.ts";

const AUDIT_PAGE_DEFAULT = 50;
const AUDIT_PAGE_MAX = 200;

const ORIGIN = "expected https://host[:port] (http only for localhost), no path or wildcard";
const originList = jsonBody(
  v.strictObject({
    origins: v.pipe(
      v.array(
        v.pipe(
          v.string(ORIGIN),
          v.rawTransform(({ dataset, addIssue, NEVER }) => {
            const origin = parseOrigin(dataset.value);
            if (origin) return origin;
            addIssue({ message: ORIGIN });
            return NEVER;
          }),
        ),
        `expected a list of at most ${MAX_ORIGINS} origins`,
      ),
      v.maxLength(MAX_ORIGINS, `expected a list of at most ${MAX_ORIGINS} origins`),
    ),
  }),
);
const auditPage = query(
  v.strictObject({ before: v.optional(positiveIntegerText), limit: v.optional(positiveIntegerText) }),
);
const PATTERN = `expected /literal/:param/… with an optional final /* (at most ${MAX_ROUTE_PATTERN_CHARS} characters)`;
const PATTERNS = `expected a list of at most ${MAX_ROUTE_PATTERNS} patterns`;
const routePatternList = jsonBody(
  v.strictObject({
    patterns: v.pipe(
      v.array(
        v.pipe(
          v.string(PATTERN),
          v.rawTransform(({ dataset, addIssue, NEVER }) => {
            const pattern = parseRoutePattern(dataset.value);
            if (pattern) return pattern;
            addIssue({ message: PATTERN });
            return NEVER;
          }),
        ),
        PATTERNS,
      ),
      v.maxLength(MAX_ROUTE_PATTERNS, PATTERNS),
    ),
  }),
);
const rumPrivacy = jsonBody(v.strictObject({ browserLogText: v.boolean("expected true or false") }));

export const tenantSettings = new Hono<AppEnv>()
  .get("/:tid/origins", ...signedInBrowser, requireTenantRole("admin"), async (c) =>
    c.json({ origins: await listAllowedOrigins(c.var.tenantTx) }),
  )
  .put("/:tid/origins", ...signedInBrowser, requireTenantRole("admin"), ...originList, async (c) => {
    const { origins } = c.req.valid("json");
    const result = await replaceAllowedOrigins(c.var.tenantTx, c.var.tenant.id, origins);
    if (result.added.length + result.removed.length > 0) {
      await recordTenantEvent(c, "origins.changed", { added: result.added, removed: result.removed });
    }
    return c.json({ origins: result.origins });
  })
  .get("/:tid/rum/routes", ...signedInBrowser, requireTenantRole("admin"), async (c) =>
    c.json({ patterns: await listRoutePatterns(c.var.tenantTx) }),
  )
  .put("/:tid/rum/routes", ...signedInBrowser, requireTenantRole("admin"), ...routePatternList, async (c) => {
    const patterns = [...new Set(c.req.valid("json").patterns)];
    const previous = await replaceRoutePatterns(c.var.tenantTx, c.var.tenant.id, patterns);
    if (previous.join("\n") !== patterns.join("\n")) {
      await recordTenantEvent(c, "rum_routes.changed", { previous, patterns });
    }
    return c.json({ patterns });
  })
  .get("/:tid/rum/privacy", ...signedInBrowser, requireTenantRole("owner"), async (c) =>
    c.json({ browserLogText: await browserLogTextOf(c.var.tenantTx, c.var.tenant.id) }),
  )
  .put("/:tid/rum/privacy", ...signedInBrowser, requireTenantRole("owner"), ...rumPrivacy, async (c) => {
    const { browserLogText } = c.req.valid("json");
    if (await setBrowserLogText(c.var.tenantTx, c.var.tenant.id, browserLogText))
      await recordTenantEvent(c, "rum_privacy.changed", { browserLogText });
    return c.json({ browserLogText });
  })
  .get("/:tid/audit", ...signedInBrowser, requireTenantRole("admin"), auditPage, async (c) => {
    const page = c.req.valid("query");
    const before = page.before ?? null;
    const limit = Math.min(page.limit ?? AUDIT_PAGE_DEFAULT, AUDIT_PAGE_MAX);
    const events = await listTenantAuditEvents(c.var.tenantTx, c.var.tenant.id, { before, limit });
    if (events.length === limit) {
      const next = `/api/tenants/${c.var.tenant.id}/audit?before=${events[events.length - 1].id}&limit=${limit}`;
      c.header("Link", `<${next}>; rel="next"`);
    }
    return c.json(events);
  });
