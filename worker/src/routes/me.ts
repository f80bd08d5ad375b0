// GET /api/me: who is signed in, with this session, the account's sign-in methods and tenant
// memberships. Two round trips: the session lookup (middleware), then the summary and the
// memberships together, as one batch in the user's scope (db/scope.ts, docs/round-trips.md).
import { Hono } from "hono";
import { withUser } from "../../../db/user-scope.ts";
import { signInMethodsSummary } from "../auth/users.ts";
import type { AppEnv } from "../env.ts";
import { requireUser } from "../middleware/session.ts";
import { userTenants } from "../tenancy/tenants.ts";
import { limitAccountApi } from "../middleware/rate-limit.ts";

export const me = new Hono<AppEnv>().use("*", limitAccountApi).get("/", requireUser, async (c) => {
  const { user, session } = c.var;
  const [{ emailVerified, ...methods }, tenants] = await withUser(
    c.var.db,
    user.id,
    (tx) => Promise.all([signInMethodsSummary(tx, user.id), userTenants(tx, user.id)]),
    "statements",
  );
  return c.json({
    user: { ...user, emailVerified },
    session: { id: session.id, createdAt: session.createdAt, expiresAt: session.expiresAt },
    memberships: tenants.map((tenant) => ({
      tenantId: tenant.id,
      tenantName: tenant.name,
      role: tenant.role,
    })),
    ...methods,
  });
});
