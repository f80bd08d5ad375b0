// /api/tenants: create and list one's tenants; per tenant: read, rename and delete (owner), and
// members (list; change roles; remove or leave). Every /:tid route checks membership first
// (requireTenantRole) and works in that tenant's RLS transaction.
import { Hono, type Context } from "hono";
import * as v from "valibot";
import type { Role } from "../../../db/schema/index.ts";
import { recordAuditEvent } from "../auth/audit.ts";
import type { AppEnv } from "../env.ts";
import { HttpError } from "../errors.ts";
import { isUuid, recordTenantEvent, requireTenantRole, signedInBrowser } from "../middleware/tenant.ts";
import { requireFreshAuth } from "../middleware/session.ts";
import { jsonBody, text } from "../request-schema.ts";
import { changeMembership, listMembers, type MemberChange } from "../tenancy/memberships.ts";
import { role } from "../tenancy/roles.ts";
import { createTenant, deleteTenant, findTenant, listUserTenants, renameTenant } from "../tenancy/tenants.ts";
import { limitAccountApi } from "../middleware/rate-limit.ts";

const tenantName = jsonBody(v.strictObject({ name: text(100) }));
const roleChange = jsonBody(v.strictObject({ role }));

function memberIdOf(c: Context<AppEnv>): string {
  const userId = c.req.param("uid")?.toLowerCase();
  if (!isUuid(userId)) throw new HttpError(404, "MEMBER_NOT_FOUND", "No such member in this tenant");
  return userId;
}

function throwUnlessChanged(change: MemberChange): asserts change is { ok: true; before: Role } {
  if (change.ok) return;
  if (change.reason === "NOT_FOUND")
    throw new HttpError(404, "MEMBER_NOT_FOUND", "No such member in this tenant");
  if (change.reason === "LAST_OWNER") {
    throw new HttpError(409, "LAST_OWNER", "A tenant always keeps at least one owner");
  }
  throw new HttpError(403, "ROLE_REQUIRED", "detail" in change ? change.detail : undefined);
}

export const tenantRoutes = new Hono<AppEnv>()
  // Creating and listing tenants happen outside any tenant: per account. The /:tid routes have
  // the tenant's limit (requireTenantRole).
  .use("/", limitAccountApi)
  .post("/", ...signedInBrowser, ...tenantName, async (c) => {
    const { name } = c.req.valid("json");
    const tenant = await createTenant(c.var.db, { name, ownerId: c.var.user.id, requestId: c.var.requestId });
    return c.json(tenant, 201);
  })
  .get("/", ...signedInBrowser, async (c) => c.json(await listUserTenants(c.var.db, c.var.user.id)))
  .get("/:tid", ...signedInBrowser, requireTenantRole("member"), async (c) => {
    const tenant = await findTenant(c.var.tenantTx, c.var.tenant.id);
    return c.json({ ...tenant, role: c.var.tenant.role });
  })
  .patch("/:tid", ...signedInBrowser, requireTenantRole("owner"), ...tenantName, async (c) => {
    const { name } = c.req.valid("json");
    await renameTenant(c.var.tenantTx, c.var.tenant.id, name);
    await recordTenantEvent(c, "tenant.renamed", { name });
    return c.json({ id: c.var.tenant.id, name });
  })
  .delete("/:tid", ...signedInBrowser, requireTenantRole("owner"), requireFreshAuth, async (c) => {
    const tenant = await findTenant(c.var.tenantTx, c.var.tenant.id);
    await deleteTenant(c.var.tenantTx, c.var.tenant.id);
    // An account-level event: nobody can read the tenant's own log once the tenant is gone, but the
    // owner who deleted it can read their account's (and the account export includes it).
    await recordAuditEvent(c.var.tenantTx, {
      action: "tenant.deleted",
      actorUserId: c.var.user.id,
      requestId: c.var.requestId,
      details: { tenantId: c.var.tenant.id, name: tenant?.name },
    });
    return c.body(null, 204);
  })
  .get("/:tid/members", ...signedInBrowser, requireTenantRole("member"), async (c) =>
    c.json(await listMembers(c.var.tenantTx)),
  )
  .patch(
    "/:tid/members/:uid",
    ...signedInBrowser,
    requireTenantRole("admin"),
    requireFreshAuth,
    ...roleChange,
    async (c) => {
      const { role } = c.req.valid("json");
      const userId = memberIdOf(c);
      const { tenant, user } = c.var;
      const change = await changeMembership(
        c.var.tenantTx,
        tenant.id,
        { userId: user.id, role: tenant.role },
        userId,
        role,
      );
      throwUnlessChanged(change);
      await recordTenantEvent(c, "member.role_changed", { userId, from: change.before, to: role });
      return c.json({ userId, role });
    },
  )
  .delete("/:tid/members/:uid", ...signedInBrowser, requireTenantRole("member"), async (c) => {
    const userId = memberIdOf(c);
    const { tenant, user } = c.var;
    const change = await changeMembership(
      c.var.tenantTx,
      tenant.id,
      { userId: user.id, role: tenant.role },
      userId,
      null,
    );
    throwUnlessChanged(change);
    await recordTenantEvent(c, userId === user.id ? "member.left" : "member.removed", {
      userId,
      role: change.before,
    });
    return c.body(null, 204);
  });
