// Tenant authorization for /api/tenants/:tid/*: the caller's membership is read from the database
// on every request (a role change applies to the very next request), inside the tenant's RLS
// transaction, which the handler then reuses as c.var.tenantTx (one transaction per request: the
// check and the work see the same state, and a failing handler rolls everything back).
// Not a member, or not a tenant at all → 404 (never 403: no existence oracle). Only the path's
// :tid counts; a tenant id in a header or the body never overrides it.
import type { Context } from "hono";
import { and, eq } from "drizzle-orm";
import { memberships, tenants, type Role } from "../../../db/schema/index.ts";
import { withTenant } from "../../../db/tenant-scope.ts";
import { recordAuditEvent } from "../auth/audit.ts";
import { factory, type AppEnv } from "../env.ts";
import { HttpError } from "../errors.ts";
import { hasRoleAtLeast } from "../tenancy/roles.ts";
import { refuseApiTokens } from "./api-token.ts";
import { csrf } from "./csrf.ts";
import { limitTenantApi } from "./rate-limit.ts";
import { requireUser } from "./session.ts";

/** Cookie-authenticated management routes: API tokens refused, same-origin only, signed in. */
export const signedInBrowser = [refuseApiTokens, csrf, requireUser] as const;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function isUuid(text: string | undefined): text is string {
  return text !== undefined && UUID.test(text);
}

/** Needs c.var.user (mount after requireUser). */
export function requireTenantRole(minimum: Role) {
  return factory.createMiddleware(async (c, next) => {
    if (!c.var.user) throw new HttpError(401, "SESSION_REQUIRED");
    const tenantId = c.req.param("tid")?.toLowerCase();
    if (!isUuid(tenantId)) throw new HttpError(404, "TENANT_NOT_FOUND");
    await withTenant(c.var.db, tenantId, async (tx) => {
      // The plan rides along (the tenant rate limit needs it): one round trip, not two.
      const [membership] = await tx
        .select({ role: memberships.role, plan: tenants.plan })
        .from(memberships)
        .innerJoin(tenants, eq(tenants.id, memberships.tenantId))
        .where(and(eq(memberships.tenantId, tenantId), eq(memberships.userId, c.var.user.id)));
      if (!membership) throw new HttpError(404, "TENANT_NOT_FOUND");
      if (!hasRoleAtLeast(membership.role, minimum)) {
        throw new HttpError(403, "ROLE_REQUIRED", `This needs the ${minimum} role or higher`);
      }
      c.set("tenant", { id: tenantId, role: membership.role, plan: membership.plan });
      c.set("tenantTx", tx);
      // Per-tenant API limit, spent only once membership is proven (docs/rate-limiting.md).
      await limitTenantApi(c, next);
      // Hono turns a handler's error into a response before next() returns; rethrowing it here
      // rolls the transaction back (and the outer handler renders the same error again).
      if (c.error) throw c.error;
    });
  });
}

/** An audit event for the current tenant, written in the request's tenant transaction. */
export async function recordTenantEvent(
  c: Context<AppEnv>,
  action: string,
  details: Record<string, unknown> = {},
): Promise<void> {
  await recordAuditEvent(c.var.tenantTx, {
    action,
    tenantId: c.var.tenant.id,
    actorUserId: c.var.user.id,
    requestId: c.var.requestId,
    details,
  });
}
