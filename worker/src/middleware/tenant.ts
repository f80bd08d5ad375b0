// Tenant authorization for /api/tenants/:tid/*: the caller's membership is read from the database
// on every request (a role change applies to the very next request), in the same statement as the
// session (worker/src/middleware/session.ts). The handler then works in the tenant's RLS scope,
// c.var.tenantTx: for writes one transaction (a failing handler rolls everything back), for reads
// (GET, HEAD) statements that each carry the tenant setting, with no BEGIN/COMMIT round trips
// (db/scope.ts, docs/round-trips.md).
// Not a member, or not a tenant at all → 404 (never 403: no existence oracle). Only the path's
// :tid counts; a tenant id in a header or the body never overrides it.
import type { Context, Next } from "hono";
import { type Role } from "../../../db/schema/index.ts";
import type { ScopeMode } from "../../../db/scope.ts";
import { withTenant } from "../../../db/tenant-scope.ts";
import { recordAuditEvent } from "../auth/audit.ts";
import { factory, type AppEnv } from "../env.ts";
import { HttpError } from "../errors.ts";
import { hasRoleAtLeast } from "../tenancy/roles.ts";
import { refuseApiTokens } from "./api-token.ts";
import { csrf } from "./csrf.ts";
import { isUuid, pathTenantId } from "./path-tenant.ts";
import { limitTenantApi } from "./rate-limit.ts";
import { membershipIn, requireUser } from "./session.ts";

/** Cookie-authenticated management routes: API tokens refused, same-origin only, signed in. */
export const signedInBrowser = [refuseApiTokens, csrf, requireUser] as const;

export { isUuid };

/** Reads need no transaction; everything else gets one. */
export function scopeModeOf(c: Context<AppEnv>): ScopeMode {
  return c.req.method === "GET" || c.req.method === "HEAD" ? "statements" : "transaction";
}

/** Needs c.var.user (mount after requireUser). */
export function requireTenantRole(minimum: Role) {
  return factory.createMiddleware(async (c, next) => inTenantScope(c, await admitMember(c, minimum), next));
}

/** The path's tenant when the signed-in caller is a member with `minimum` or more (c.var.tenant). */
export async function admitMember(c: Context<AppEnv>, minimum: Role): Promise<string> {
  if (!c.var.user) throw new HttpError(401, "SESSION_REQUIRED");
  const tenantId = pathTenantId(c);
  const membership = tenantId ? await membershipIn(c, tenantId) : null;
  if (!tenantId || !membership) throw new HttpError(404, "TENANT_NOT_FOUND");
  if (!hasRoleAtLeast(membership.role, minimum)) {
    throw new HttpError(403, "ROLE_REQUIRED", `This needs the ${minimum} role or higher`);
  }
  c.set("tenant", { id: tenantId, role: membership.role, plan: membership.plan, limits: membership.limits });
  return tenantId;
}

/**
 * The rest of the request (`next`) in the tenant's RLS scope (c.var.tenantTx), after one unit of
 * its API limit: every tenant route, by membership or by token, goes through here.
 */
export async function inTenantScope(c: Context<AppEnv>, tenantId: string, next: Next): Promise<void> {
  await withTenant(
    c.var.db,
    tenantId,
    async (tx) => {
      c.set("tenantTx", tx);
      // Per-tenant API limit, spent only once membership is proven (docs/rate-limiting.md).
      await limitTenantApi(c, next);
      // Hono turns a handler's error into a response before next() returns; rethrowing it here
      // rolls the transaction back (and the outer handler renders the same error again).
      if (c.error) throw c.error;
    },
    scopeModeOf(c),
  );
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
