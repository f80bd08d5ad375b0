// GET /api/tenants/:tid/limits (tenant admin): the tenant's plan, its quotas per surface, what
// remains of them now and its 429s in the last 24 hours (docs/rate-limiting.md).
import { Hono } from "hono";
import type { AppEnv } from "../env.ts";
import { requireUser } from "../middleware/session.ts";
import { requireTenantRole } from "../middleware/tenant.ts";
import { readTenantLimits } from "../rate-limit/tenant-limits.ts";

export const limits = new Hono<AppEnv>().get(
  "/",
  requireUser,
  requireTenantRole("admin"), // also spends one unit of the tenant's `api` limit
  async (c) => {
    const { id, plan, limits } = c.var.tenant;
    return c.json({ plan, limits: await readTenantLimits(c.env, id, plan, limits) });
  },
);
