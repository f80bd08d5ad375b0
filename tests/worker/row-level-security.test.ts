// Tenant isolation is enforced by Postgres, not by route code: these run as the Worker's own
// runtime role and prove what the policies allow.
import { env } from "cloudflare:workers";
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createDb, useLocalRelay, type DbHandle } from "../../db/client.ts";
import { tenants } from "../../db/schema/index.ts";
import { withTenant } from "../../db/tenant-scope.ts";
import { connect, postgresErrorOf } from "./helpers.ts";

let app: DbHandle;
const tenantA = crypto.randomUUID();
const tenantB = crypto.randomUUID();

beforeAll(async () => {
  useLocalRelay(env.DB_WS_PROXY);
  app = createDb(env.DATABASE_URL);
  await withTenant(app.db, tenantA, (tx) => tx.insert(tenants).values({ id: tenantA, name: "A" }));
  await withTenant(app.db, tenantB, (tx) => tx.insert(tenants).values({ id: tenantB, name: "B" }));
});
afterAll(() => app.pool.end());

describe("row-level security", () => {
  it("rls: a query without a tenant sees no rows", async () => {
    expect(await app.db.select().from(tenants)).toEqual([]);
  });

  it("rls: an insert without a tenant is refused by the policy", async () => {
    expect(await postgresErrorOf(app.db.insert(tenants).values({ name: "orphan" }))).toMatch(
      /violates row-level security policy/,
    );
  });

  it("rls: tenant B's row is invisible inside tenant A's transaction", async () => {
    const rows = await withTenant(app.db, tenantA, (tx) => tx.select().from(tenants));
    expect(rows.map((row) => row.id)).toEqual([tenantA]);
    const probe = await withTenant(app.db, tenantA, (tx) =>
      tx.select().from(tenants).where(eq(tenants.id, tenantB)),
    );
    expect(probe).toEqual([]);
  });

  it("rls: tenant A cannot update, delete or write rows of tenant B", async () => {
    await withTenant(app.db, tenantA, async (tx) => {
      expect(
        await tx.update(tenants).set({ name: "pwned" }).where(eq(tenants.id, tenantB)).returning(),
      ).toEqual([]);
      expect(await tx.delete(tenants).where(eq(tenants.id, tenantB)).returning()).toEqual([]);
    });
    const write = withTenant(app.db, tenantA, (tx) =>
      tx.insert(tenants).values({ id: tenantB, name: "other" }),
    );
    expect(await postgresErrorOf(write)).toMatch(/violates row-level security policy/);
    const [b] = await withTenant(app.db, tenantB, (tx) => tx.select().from(tenants));
    expect(b.name).toBe("B");
  });

  it("rls: the tenant setting does not leak into the next transaction on the same connection", async () => {
    const client = await connect(env.DATABASE_URL);
    try {
      await client.query("BEGIN");
      await client.query("SELECT set_config('app.tenant_id', $1, true)", [tenantA]);
      expect((await client.query("SELECT id FROM tenants")).rows).toEqual([{ id: tenantA }]);
      await client.query("COMMIT");
      expect((await client.query("SELECT id FROM tenants")).rows).toEqual([]);
    } finally {
      await client.end();
    }
  });

  it("rls: the runtime role is not superuser, cannot bypass RLS and owns no tables", async () => {
    const client = await connect(env.DATABASE_URL);
    try {
      const { rows } = await client.query(
        "SELECT rolsuper, rolbypassrls FROM pg_roles WHERE rolname = current_user",
      );
      expect(rows).toEqual([{ rolsuper: false, rolbypassrls: false }]);
      const owned = await client.query(
        "SELECT relname FROM pg_class WHERE relowner = (SELECT oid FROM pg_roles WHERE rolname = current_user)",
      );
      expect(owned.rows).toEqual([]);
    } finally {
      await client.end();
    }
  });

  it("rls: no view can read past the policies (every view is security_invoker)", async () => {
    const client = await connect(env.TEST_OWNER_DATABASE_URL);
    try {
      // A view runs with its owner's rights unless security_invoker is set, and the owner's rights
      // would let a query through a view see every tenant (SECURITY E.26).
      const { rows } = await client.query(`
        SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE n.nspname = 'public' AND c.relkind IN ('v', 'm')
          AND NOT coalesce('security_invoker=true' = ANY (c.reloptions), false)`);
      expect(rows).toEqual([]);
    } finally {
      await client.end();
    }
  });

  it("rls: every tenant-owned table has row-level security enabled and forced", async () => {
    const client = await connect(env.TEST_OWNER_DATABASE_URL);
    try {
      const { rows } = await client.query(`
        SELECT c.relname, c.relrowsecurity, c.relforcerowsecurity
        FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p')
          AND (c.relname = 'tenants' OR EXISTS (
            SELECT 1 FROM pg_attribute a WHERE a.attrelid = c.oid AND a.attname = 'tenant_id' AND NOT a.attisdropped))`);
      expect(rows.length).toBeGreaterThan(0);
      const unprotected = rows.filter((row) => !row.relrowsecurity || !row.relforcerowsecurity);
      expect(unprotected).toEqual([]);
    } finally {
      await client.end();
    }
  });
});
