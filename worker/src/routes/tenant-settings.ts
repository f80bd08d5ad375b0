// Tenant settings for admins: the allowed browser origins of frontend tokens (GET/PUT) and the
// audit log (GET, newest first; the next page is in a Link header so the body stays a list).
import { Hono } from "hono";
import * as v from "valibot";
import type { AppEnv } from "../env.ts";
import { recordTenantEvent, requireTenantRole, signedInBrowser } from "../middleware/tenant.ts";
import { jsonBody, positiveIntegerText, query } from "../request-schema.ts";
import { listTenantAuditEvents } from "../tenancy/audit-log.ts";
import { listAllowedOrigins, MAX_ORIGINS, parseOrigin, replaceAllowedOrigins } from "../tenancy/origins.ts";

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
