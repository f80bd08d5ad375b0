// GET/PUT /api/tenants/:tid/retention: free plan fixed at 7 days; paid plans choose 30–365 (owners
// only), and the retention job purges by exactly what was chosen.
import { env } from "cloudflare:workers";
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createDb, useLocalRelay, type DbHandle } from "../../db/client.ts";
import { tenants } from "../../db/schema/index.ts";
import { withTenant } from "../../db/tenant-scope.ts";
import { telemetry } from "../../worker/src/retention/telemetry.ts";
import { problemOf } from "./helpers.ts";
import { daysBefore, insertSpan, spanNamesOf } from "./support/privacy.ts";
import { as, signedInUser, tenantWithRoles, type TestTenant } from "./support/tenancy.ts";

let handle: DbHandle;
beforeAll(() => {
  useLocalRelay(env.DB_WS_PROXY);
  handle = createDb(env.DATABASE_URL);
});
afterAll(() => handle.pool.end());

async function paidTenant(): Promise<TestTenant> {
  const tenant = await tenantWithRoles();
  await withTenant(handle.db, tenant.id, (tx) =>
    tx.update(tenants).set({ plan: "pro" }).where(eq(tenants.id, tenant.id)),
  );
  return tenant;
}

const retention = (tenant: TestTenant) => `/api/tenants/${tenant.id}/retention`;

describe("telemetry retention settings", () => {
  it("the free plan keeps telemetry 7 days and cannot change it: 409 PLAN_REQUIRED", async () => {
    const tenant = await tenantWithRoles();
    const read = await as(tenant.users.member, retention(tenant));
    expect(read.status).toBe(200);
    expect(await read.json()).toEqual({ days: 7, configurable: null });
    const change = await as(tenant.users.owner, retention(tenant), { method: "PUT", json: { days: 90 } });
    expect(change.status).toBe(409);
    expect((await problemOf(change)).code).toBe("PLAN_REQUIRED");
  });

  it("a paid plan keeps 30 days by default; its owner chooses 30 to 365", async () => {
    const tenant = await paidTenant();
    expect(await (await as(tenant.users.member, retention(tenant))).json()).toEqual({
      days: 30,
      configurable: { minDays: 30, maxDays: 365 },
    });
    for (const days of [29, 366, 45.5, "90"]) {
      const refused = await as(tenant.users.owner, retention(tenant), { method: "PUT", json: { days } });
      expect(refused.status).toBe(400);
      expect((await problemOf(refused)).code).toBe("INVALID_REQUEST");
    }
    const changed = await as(tenant.users.owner, retention(tenant), { method: "PUT", json: { days: 365 } });
    expect(changed.status).toBe(200);
    expect(((await changed.json()) as { days: number }).days).toBe(365);
  });

  it("only owners choose: an admin gets 403 ROLE_REQUIRED, a stranger 404", async () => {
    const tenant = await paidTenant();
    const admin = await as(tenant.users.admin, retention(tenant), { method: "PUT", json: { days: 60 } });
    expect(admin.status).toBe(403);
    expect((await problemOf(admin)).code).toBe("ROLE_REQUIRED");
    const stranger = await as(await signedInUser(), retention(tenant));
    expect(stranger.status).toBe(404);
  });

  it("retention: the job purges a paid tenant's telemetry by the days its owner chose", async () => {
    const tenant = await paidTenant();
    const put = await as(tenant.users.owner, retention(tenant), { method: "PUT", json: { days: 90 } });
    expect(put.status).toBe(200);
    const now = new Date();
    await insertSpan(handle.db, tenant.id, { at: daysBefore(now, 89), name: "day89" });
    await insertSpan(handle.db, tenant.id, { at: daysBefore(now, 91), name: "day91" });
    await telemetry.run(handle.db, now);
    expect(await spanNamesOf(handle.db, tenant.id)).toEqual(["day89"]);
  });
});
