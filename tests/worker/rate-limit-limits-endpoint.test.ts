// GET /api/tenants/:tid/limits: a tenant admin reads the tenant's quotas, remaining units and 429s.
import { env } from "cloudflare:workers";
import { runInDurableObject } from "cloudflare:test";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Client } from "@neondatabase/serverless";
import { tenantKey } from "../../worker/src/rate-limit/keys.ts";
import { POLICIES } from "../../worker/src/rate-limit/policies.ts";
import { connect, problemOf } from "./helpers.ts";
import { api, signUp, type Account } from "./support/accounts.ts";

let owner: Client;
beforeAll(async () => {
  owner = await connect(env.TEST_OWNER_DATABASE_URL);
});
afterAll(() => owner.end());

/** A tenant on `plan` with the given members, inserted as fixtures in the tenant's RLS scope. */
async function tenantWith(plan: "free" | "pro", members: [Account, "owner" | "admin" | "member"][]) {
  const tenantId = crypto.randomUUID();
  await owner.query("BEGIN");
  await owner.query("SELECT set_config('app.tenant_id', $1, true)", [tenantId]);
  await owner.query("INSERT INTO tenants (id, name, plan) VALUES ($1, 'Acme', $2)", [tenantId, plan]);
  for (const [account, role] of members) {
    await owner.query("INSERT INTO memberships (tenant_id, user_id, role) VALUES ($1, $2, $3)", [
      tenantId,
      account.user.id,
      role,
    ]);
  }
  await owner.query("COMMIT");
  return tenantId;
}

describe("GET /api/tenants/:tid/limits", () => {
  it("shows an admin the plan's quotas, the remaining units and the 429s of the last 24 h", async () => {
    const admin = await signUp();
    const tenantId = await tenantWith("pro", [[admin, "admin"]]);
    const ingest = POLICIES.ingest.plans.pro;
    const stub = env.RATE_LIMITER.getByName(tenantKey(tenantId));
    const frozen = Date.now();
    await runInDurableObject(stub, (instance) => {
      instance.clock = () => frozen;
    });
    await stub.consume("ingest", ingest, ingest.quota);
    await stub.consume("ingest", ingest, 500); // refused: the bucket is empty

    const response = await api(`/api/tenants/${tenantId}/limits`, { cookie: admin.cookie });
    expect(response.status).toBe(200);
    const body = (await response.json()) as { plan: string; limits: Record<string, unknown>[] };
    expect(body.plan).toBe("pro");
    expect(body.limits).toEqual([
      { surface: "ingest", ...ingest, remaining: 0, resetSeconds: 1, refusedLast24h: 1 },
      // This very request was one API call of the tenant's.
      {
        surface: "api",
        ...POLICIES.api.plans.pro,
        remaining: POLICIES.api.plans.pro.quota - 1,
        resetSeconds: 1,
        refusedLast24h: 0,
      },
    ]);
    expect(response.headers.get("RateLimit-Policy")).toBe(
      `"tenant";q=${POLICIES.api.plans.pro.quota};w=${POLICIES.api.plans.pro.windowSeconds}`,
    );
  });

  it("refuses a plain member with 403 and answers 404 to a non-member, spending no quota of the tenant", async () => {
    const [member, stranger] = await Promise.all([signUp(), signUp()]);
    const tenantId = await tenantWith("free", [[member, "member"]]);
    const asMember = await api(`/api/tenants/${tenantId}/limits`, { cookie: member.cookie });
    expect(asMember.status).toBe(403);
    expect((await problemOf(asMember)).code).toBe("ROLE_REQUIRED");
    const asStranger = await api(`/api/tenants/${tenantId}/limits`, { cookie: stranger.cookie });
    expect(asStranger.status).toBe(404);
    expect(asStranger.headers.get("RateLimit")).toBeNull();
    const state = await env.RATE_LIMITER.getByName(tenantKey(tenantId)).inspect({
      api: POLICIES.api.plans.free,
    });
    expect(state.api.remaining).toBe(POLICIES.api.plans.free.quota);
  });

  it("needs a session", async () => {
    const response = await api(`/api/tenants/${crypto.randomUUID()}/limits`);
    expect(response.status).toBe(401);
  });
});
