// GET /api/me: who is signed in, with this session and the account's sign-in methods. Two round
// trips: the session lookup (middleware) and one summary query.
import { Hono } from "hono";
import { signInMethodsSummary } from "../auth/users.ts";
import type { AppEnv } from "../env.ts";
import { requireUser } from "../middleware/session.ts";

export const me = new Hono<AppEnv>().get("/", requireUser, async (c) => {
  const { user, session } = c.var;
  const methods = await signInMethodsSummary(c.var.db, user.id);
  return c.json({
    user,
    session: { id: session.id, createdAt: session.createdAt, expiresAt: session.expiresAt },
    // Tenant memberships are the tenants domain's (issue 4); it fills this in.
    memberships: [] as { tenantId: string; tenantName: string; role: string }[],
    ...methods,
  });
});
