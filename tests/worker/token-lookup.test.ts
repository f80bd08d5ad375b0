// The token lookup's Durable Objects (worker/src/token-lookup.ts): API tokens are looked up
// in the database on warm connections that requests share. Nothing may be cached there, and a
// failure must come back to the request classified, with no data in it.
import { env } from "cloudflare:workers";
import { runInDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { CONNECTION_NAMES } from "../../db/client.ts";
import { withTenant } from "../../db/tenant-scope.ts";
import { isStorageUnavailable, ReportedStorageFailure } from "../../worker/src/storage-failure.ts";
import { authenticateApiToken } from "../../worker/src/middleware/api-token.ts";
import { createApiToken, hashApiToken } from "../../worker/src/tenancy/api-tokens.ts";
import { placementOf, tokenLookupFor } from "../../worker/src/token-lookup.ts";
import { connect } from "./helpers.ts";
import { setTenantPlan } from "../../scripts/tenant-plan.ts";
import { createTenant, readRows } from "./support/telemetry.ts";
import { withDb } from "./support/tenancy.ts";

/** The backends of the lookup objects' connections, as the database lists them. */
async function lookupConnections(): Promise<number[]> {
  const owner = await connect(env.TEST_OWNER_DATABASE_URL);
  try {
    const { rows } = await owner.query<{ pid: number }>(
      "select pid from pg_stat_activity where application_name = $1 order by pid",
      [CONNECTION_NAMES.tokenLookup],
    );
    return rows.map((row) => row.pid);
  } finally {
    await owner.end();
  }
}

describe("token lookup", () => {
  it("token lookup: nothing is cached: a token revoked, expired or moved to another plan after a lookup is seen by the very next one", async () => {
    const tenant = await createTenant();
    const now = new Date();
    expect(await authenticateApiToken(env, tenant.backend, now)).toMatchObject({
      tenantId: tenant.id,
      type: "backend",
      plan: "free",
    });
    expect(await withDb((db) => setTenantPlan(db, tenant.id, "pro"))).toBe("free");
    expect(await authenticateApiToken(env, tenant.backend, now)).toMatchObject({ plan: "pro" });
    const expiring = await withDb((db) =>
      withTenant(db, tenant.id, (tx) =>
        createApiToken(tx, tenant.id, {
          name: "expiring",
          description: "",
          type: "backend",
          expiresAt: new Date(now.getTime() + 1_000),
          createdBy: null,
        }),
      ),
    );
    expect(await authenticateApiToken(env, expiring.token, now)).toMatchObject({ id: expiring.id });
    expect(await authenticateApiToken(env, expiring.token, new Date(now.getTime() + 1_000))).toBeNull();
    expect(
      await readRows(
        tenant.id,
        "delete from api_tokens where type = 'backend' and name <> 'expiring' returning id",
      ),
    ).toHaveLength(1);
    expect(await authenticateApiToken(env, tenant.backend, now)).toBeNull();
  });

  it("token lookup: lookups share the object's warm connection instead of opening one each", async () => {
    const tenant = await createTenant();
    await authenticateApiToken(env, tenant.backend, new Date());
    const warm = await lookupConnections();
    expect(warm.length).toBeGreaterThan(0);
    for (let i = 0; i < 10; i++) {
      expect(await authenticateApiToken(env, tenant.backend, new Date())).toMatchObject({
        tenantId: tenant.id,
      });
    }
    expect(await lookupConnections()).toEqual(warm);
  });

  it("token lookup: a malformed secret is refused without a lookup", async () => {
    // Its shard pointed at a stopped database: a lookup would throw instead of answering null.
    const tenant = await createTenant();
    const lookup = tokenLookupFor(env, await hashApiToken(`${tenant.backend}x`));
    await runInDurableObject(lookup, (instance) => {
      instance.databaseUrl = env.TEST_STOPPED_DATABASE_URL;
    });
    try {
      await expect(authenticateApiToken(env, `${tenant.backend}x`, new Date())).resolves.toBeNull();
      await expect(authenticateApiToken(env, "sl_be_short", new Date())).resolves.toBeNull();
    } finally {
      await runInDurableObject(lookup, (instance) => {
        instance.databaseUrl = env.DATABASE_URL;
      });
    }
  });

  it("token lookup: a failure comes back classified and without data: unreachable is unavailability, a refused statement is not", async () => {
    const tenant = await createTenant();
    const lookup = tokenLookupFor(env, await hashApiToken(tenant.backend));
    await runInDurableObject(lookup, (instance) => {
      instance.databaseUrl = env.TEST_STOPPED_DATABASE_URL;
    });
    const down = await authenticateApiToken(env, tenant.backend, new Date()).catch((error: unknown) => error);
    await runInDurableObject(lookup, (instance) => {
      instance.databaseUrl = env.DATABASE_URL;
    });
    expect(down).toBeInstanceOf(ReportedStorageFailure);
    expect(isStorageUnavailable(down)).toBe(true);

    // A receipt id Postgres refuses (22P02): a bug, never retried as unavailability, and the
    // description names the SQLSTATE, not the value.
    const refused = await authenticateApiToken(env, tenant.backend, new Date(), "not-a-uuid-value").catch(
      (error: unknown) => error,
    );
    expect(refused).toBeInstanceOf(ReportedStorageFailure);
    expect(isStorageUnavailable(refused)).toBe(false);
    expect((refused as ReportedStorageFailure).description).toMatch(/database error 22P02/);
    expect((refused as ReportedStorageFailure).description).not.toContain("not-a-uuid-value");
  });

  it("token lookup: the objects are created at DATABASE_LOCATION_HINT when it is set; a value that is no hint is refused", async () => {
    expect(placementOf("")).toBeUndefined();
    expect(placementOf("weur")).toEqual({ locationHint: "weur" });
    expect(() => placementOf("frankfurt")).toThrow(
      /DATABASE_LOCATION_HINT is not a location hint: frankfurt/,
    );
    const tenant = await createTenant();
    const hinted = { ...env, DATABASE_LOCATION_HINT: "enam" };
    expect(await authenticateApiToken(hinted, tenant.backend, new Date())).toMatchObject({
      tenantId: tenant.id,
    });
  });
});
