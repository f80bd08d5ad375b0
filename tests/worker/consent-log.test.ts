// The consent log for tenant admins (issue 16): the tenant's consent policy, daily accepted /
// withdrawn / refused counts, the export of receipt events as proof, and their retention
// (RETENTION.consentRecordDays, purged by the daily Cron job).
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { consentEvents, memberships } from "../../db/schema/index.ts";
import { withTenant } from "../../db/tenant-scope.ts";
import { consentRecords } from "../../worker/src/retention/consent-records.ts";
import { DAY_MS, RETENTION } from "../../worker/src/retention/policy.ts";
import { problemOf } from "./helpers.ts";
import { api } from "./support/accounts.ts";
import { receiptOf, revoke, sendBatch, SHOP } from "./support/consent.ts";
import { createTenant, rowsOf } from "./support/telemetry.ts";
import { signedInUser, withDb, type TestUser } from "./support/tenancy.ts";

async function tenantWith(role: "admin" | "member") {
  const tenant = await createTenant([SHOP], { consentRequired: true });
  const user = await signedInUser();
  await withDb((db) =>
    withTenant(db, tenant.id, (tx) =>
      tx.insert(memberships).values({ tenantId: tenant.id, userId: user.id, role }),
    ),
  );
  return { tenant, user };
}

const get = (user: TestUser, path: string) => api(path, { cookie: user.cookie });

describe("consent policy and log API", () => {
  it("a new tenant requires receipts under policy version 1; the version never goes back", async () => {
    const { tenant, user } = await tenantWith("admin");
    const policy = await get(user, `/api/tenants/${tenant.id}/consent`);
    expect(await policy.json()).toEqual({ required: true, policyVersion: 1, policyHash: null });
    const put = (json: unknown) =>
      api(`/api/tenants/${tenant.id}/consent`, { method: "PUT", cookie: user.cookie, json });
    expect((await put({ policyVersion: 3 })).status).toBe(200);
    const back = await put({ policyVersion: 2 });
    expect([back.status, (await problemOf(back)).code]).toEqual([409, "POLICY_VERSION_DECREASED"]);
    const bad = await put({ policyHash: "not-a-hash" });
    expect([bad.status, (await problemOf(bad)).code]).toEqual([400, "INVALID_REQUEST"]);
    const unknown = await put({ tenantId: crypto.randomUUID() });
    expect(unknown.status).toBe(400);
    const audit = await rowsOf(tenant.id, "select action from audit_events where action like 'consent.%'");
    expect(audit).toEqual([{ action: "consent.policy_changed" }]);
  });

  it("consent: a tenant created through the API requires receipts by default", async () => {
    const owner = await signedInUser();
    const created = await api("/api/tenants", { json: { name: "Fresh" }, cookie: owner.cookie });
    expect(created.status).toBe(201);
    const { id } = (await created.json()) as { id: string };
    const policy = await get(owner, `/api/tenants/${id}/consent`);
    expect(policy.status).toBe(200);
    expect(await policy.json()).toEqual({ required: true, policyVersion: 1, policyHash: null });
  });

  it("counts accepted, withdrawn and refused per day, and exports every receipt event as proof", async () => {
    const { tenant, user } = await tenantWith("admin");
    const [first, second] = [await receiptOf(tenant.frontend), await receiptOf(tenant.frontend)];
    await revoke(tenant.frontend, first);
    await sendBatch(tenant.frontend, first);
    await sendBatch(tenant.frontend, second);
    const log = (await (await get(user, `/api/tenants/${tenant.id}/consent/log`)).json()) as {
      days: unknown[];
    };
    const today = new Date().toISOString().slice(0, 10);
    expect(log.days).toEqual([{ day: today, accepted: 2, withdrawn: 1, refusedBatches: 1 }]);

    const exported = await get(user, `/api/tenants/${tenant.id}/consent/receipts`);
    expect(exported.headers.get("Content-Disposition")).toMatch(/^attachment; filename="consent-receipts-/);
    const body = (await exported.json()) as {
      events: { receiptId: string; choice: string; policyVersion: number }[];
    };
    expect(body.events.map(({ choice, policyVersion }) => [choice, policyVersion])).toEqual([
      ["accepted", 1],
      ["accepted", 1],
      ["withdrawn", 1],
    ]);
    expect(new Set(body.events.map((event) => event.receiptId)).size).toBe(2);
    expect(Object.keys(body.events[0]).sort()).toEqual(
      ["choice", "occurredAt", "overrodeGpc", "policyHash", "policyVersion", "receiptId"].sort(),
    );
  });

  it("is for admins: a member gets 403, another tenant's admin 404", async () => {
    const { tenant, user: member } = await tenantWith("member");
    const { user: stranger } = await tenantWith("admin");
    for (const path of ["consent", "consent/log", "consent/receipts"]) {
      expect((await get(member, `/api/tenants/${tenant.id}/${path}`)).status).toBe(403);
      expect((await get(stranger, `/api/tenants/${tenant.id}/${path}`)).status).toBe(404);
    }
  });
});

describe("consent record retention", () => {
  it("retention: consent events are kept 395 days, purged after, by the retention job", async () => {
    const tenant = await createTenant([SHOP]);
    const now = new Date();
    const at = (days: number) => new Date(now.getTime() - days * DAY_MS);
    const event = (days: number) => ({
      tenantId: tenant.id,
      receiptId: crypto.randomUUID(),
      choice: "accepted" as const,
      occurredAt: at(days),
      policyVersion: 1,
    });
    const [kept, due] = [event(RETENTION.consentRecordDays - 1), event(RETENTION.consentRecordDays + 1)];
    await withDb((db) => withTenant(db, tenant.id, (tx) => tx.insert(consentEvents).values([kept, due])));
    await withDb((db) => consentRecords.run(db, now), env.DATABASE_URL);
    const rows = await rowsOf(tenant.id, "select receipt_id from consent_events");
    expect(rows).toEqual([{ receipt_id: kept.receiptId }]);
  });
});
