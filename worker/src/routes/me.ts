// GET /api/me: who is signed in, with this session, the account's sign-in methods and tenant
// memberships. The session lookup (middleware), then the summary and the memberships in parallel.
import { Hono } from "hono";
import { signInMethodsSummary } from "../auth/users.ts";
import type { AppEnv } from "../env.ts";
import { requireUser } from "../middleware/session.ts";
import { listUserTenants } from "../tenancy/tenants.ts";

export const me = new Hono<AppEnv>().get("/", requireUser, async (c) => {
  const { user, session } = c.var;
  const [methods, tenants] = await Promise.all([
    signInMethodsSummary(c.var.db, user.id),
    listUserTenants(c.var.db, user.id),
  ]);
  return c.json({
    user,
    session: { id: session.id, createdAt: session.createdAt, expiresAt: session.expiresAt },
    memberships: tenants.map((tenant) => ({
      tenantId: tenant.id,
      tenantName: tenant.name,
      role: tenant.role,
    })),
    ...methods,
  });
});
