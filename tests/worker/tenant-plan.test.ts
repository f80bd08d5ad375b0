// A tenant's rate-limit plan is data an operator changes (`npm run tenant:plan`,
// scripts/tenant-plan.ts), not a deploy-time map: the change is audited and the ingest path picks
// it up at its next plan read (cached at most a minute per isolate).
import { afterAll, describe, expect, it } from "vitest";
import { withTenant } from "../../db/tenant-scope.ts";
import { setTenantPlan } from "../../scripts/tenant-plan.ts";
import { cachedIngestSettingsOf } from "../../worker/src/otlp/tenant-plan.ts";
import { policyFor } from "../../worker/src/rate-limit/consume.ts";
import { POLICIES } from "../../worker/src/rate-limit/policies.ts";
import { createTenant, openDb } from "./support/telemetry.ts";

const { db, pool } = openDb();
afterAll(() => pool.end());

describe("tenant plan as data", () => {
  it("an operator's plan change is stored, audited, and sets the ingest quota at the next plan read", async () => {
    const tenant = await createTenant();
    expect((await cachedIngestSettingsOf(db, tenant.id)).plan).toBe("free");
    expect(await setTenantPlan(db, tenant.id, "pro")).toBe("free");
    const afterCache = Date.now() + 61_000;
    const { plan } = await cachedIngestSettingsOf(db, tenant.id, afterCache);
    expect(plan).toBe("pro");
    expect(policyFor("ingest", plan, tenant.id).quota).toEqual(POLICIES.ingest.plans.pro);
    const events = await withTenant(
      db,
      tenant.id,
      async (tx) =>
        (await tx.execute(`select action, details from audit_events where tenant_id = '${tenant.id}'`)).rows,
    );
    expect(events).toEqual([{ action: "tenant.plan_changed", details: { from: "free", to: "pro" } }]);
  });

  it("an unknown tenant is reported, nothing changes", async () => {
    expect(await setTenantPlan(db, crypto.randomUUID(), "pro")).toBeNull();
  });
});
