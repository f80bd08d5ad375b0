// A tenant's rate limits are data an operator changes (`npm run tenant:plan`, scripts/tenant-plan.ts),
// not a deploy-time map: its plan (tenants.plan) and its own per-surface limits (tenant_limits). Both
// are read in the same statement as the request's token or session lookup
// (migrations/0041_tenant_limits.sql), so a change is audited and applies to the very next request.
import { env } from "cloudflare:workers";
import { createExecutionContext, waitOnExecutionContext } from "cloudflare:test";
import { afterAll, describe, expect, it } from "vitest";
import { withTenant } from "../../db/tenant-scope.ts";
import { setTenantLimit, setTenantPlan } from "../../scripts/tenant-plan.ts";
import worker from "../../worker/src/index.ts";
import { POLICIES } from "../../worker/src/rate-limit/policies.ts";
import { ORIGIN, postgresErrorOf } from "./helpers.ts";
import { createTenant, nowNanos, openDb, randomHex } from "./support/telemetry.ts";
import { as, tenantWithRoles } from "./support/tenancy.ts";

const { db, pool } = openDb();
afterAll(() => pool.end());

/** One OTLP/JSON traces request of `count` spans, through the Worker. */
async function sendSpans(token: string, count = 1): Promise<Response> {
  const spans = Array.from({ length: count }, () => ({
    traceId: randomHex(16),
    spanId: randomHex(8),
    name: "GET /",
    kind: 2,
    startTimeUnixNano: nowNanos(-5),
    endTimeUnixNano: nowNanos(),
  }));
  const request = new Request(new URL("/v1/traces", ORIGIN), {
    method: "POST",
    headers: { Authorization: `Bearer ${token}`, "Content-Type": "application/json" },
    body: JSON.stringify({ resourceSpans: [{ resource: { attributes: [] }, scopeSpans: [{ spans }] }] }),
  });
  const ctx = createExecutionContext();
  const response = await worker.fetch(request, env, ctx);
  await waitOnExecutionContext(ctx);
  return response;
}

const policyOf = (quota: { quota: number; windowSeconds: number }) =>
  `"tenant";q=${quota.quota};w=${quota.windowSeconds}`;

async function auditOf(tenantId: string) {
  return withTenant(
    db,
    tenantId,
    async (tx) =>
      (
        await tx.execute(
          `select action, details from audit_events where tenant_id = '${tenantId}' order by occurred_at, id`,
        )
      ).rows,
  );
}

describe("tenant limits as data", () => {
  it("ratelimit: an operator's plan change is audited and limits the tenant's very next ingest request", async () => {
    const tenant = await createTenant();
    expect((await sendSpans(tenant.backend)).headers.get("RateLimit-Policy")).toBe(
      policyOf(POLICIES.ingest.plans.free),
    );
    expect(await setTenantPlan(db, tenant.id, "pro")).toBe("free");
    expect((await sendSpans(tenant.backend)).headers.get("RateLimit-Policy")).toBe(
      policyOf(POLICIES.ingest.plans.pro),
    );
    expect(await auditOf(tenant.id)).toEqual([
      { action: "tenant.plan_changed", details: { from: "free", to: "pro" } },
    ]);
  });

  it("ratelimit: an operator's ingest limit for one tenant applies to its next request (burst cap included), and `plan` restores the plan's", async () => {
    const tenant = await createTenant();
    const other = await createTenant();
    const limit = { quota: 50, windowSeconds: 10 };
    expect(await setTenantLimit(db, tenant.id, "ingest", limit)).toBeNull();
    const limited = await sendSpans(tenant.backend);
    expect(limited.status).toBe(200);
    expect(limited.headers.get("RateLimit-Policy")).toBe(policyOf(limit));
    const tooMany = await sendSpans(tenant.backend, 51);
    expect(tooMany.status).toBe(413);
    expect(((await tooMany.json()) as { message: string }).message).toMatch(
      /^TOO_MANY_ITEMS: 51 spans .* at most 50/,
    );
    // Another tenant keeps its plan's quota.
    expect((await sendSpans(other.backend)).headers.get("RateLimit-Policy")).toBe(
      policyOf(POLICIES.ingest.plans.free),
    );

    expect(await setTenantLimit(db, tenant.id, "ingest", null)).toEqual(limit);
    expect((await sendSpans(tenant.backend)).headers.get("RateLimit-Policy")).toBe(
      policyOf(POLICIES.ingest.plans.free),
    );
    expect(await auditOf(tenant.id)).toEqual([
      { action: "tenant.limit_changed", details: { surface: "ingest", from: null, to: limit } },
      { action: "tenant.limit_changed", details: { surface: "ingest", from: limit, to: null } },
    ]);
  });

  it("ratelimit: an operator's api limit applies to session requests on the tenant's routes and shows on its limits page", async () => {
    const tenant = await tenantWithRoles();
    const limit = { quota: 7, windowSeconds: 70 };
    await setTenantLimit(db, tenant.id, "api", limit);
    const response = await as(tenant.users.admin, `/api/tenants/${tenant.id}/limits`);
    expect(response.status).toBe(200);
    expect(response.headers.get("RateLimit-Policy")).toBe(policyOf(limit));
    const body = (await response.json()) as {
      limits: { surface: string; quota: number; windowSeconds: number }[];
    };
    expect(body.limits.find((row) => row.surface === "api")).toMatchObject(limit);
    expect(body.limits.find((row) => row.surface === "ingest")).toMatchObject(POLICIES.ingest.plans.free);
  });

  it("ratelimit: limits outside 1–100,000,000 per 1 s–1 day are refused by the table, and an unknown tenant changes nothing", async () => {
    const tenant = await createTenant();
    for (const limit of [
      { quota: 0, windowSeconds: 60 },
      { quota: 10, windowSeconds: 86_401 },
    ]) {
      expect(await postgresErrorOf(setTenantLimit(db, tenant.id, "ingest", limit))).toMatch(
        /check constraint/,
      );
    }
    expect(
      await setTenantLimit(db, crypto.randomUUID(), "ingest", { quota: 5, windowSeconds: 60 }),
    ).toBeUndefined();
    expect(await setTenantPlan(db, crypto.randomUUID(), "pro")).toBeNull();
  });
});
