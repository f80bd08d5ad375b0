// Row-level security on the tenancy tables, as the Worker's runtime role (SECURITY.md E 24–26):
// no tenant → no rows and inserts fail; another tenant's rows are invisible and unwritable (WITH
// CHECK); an insert naming another tenant's id fails the same way whether or not that tenant
// exists (no foreign-key existence oracle); the narrow lookup contexts show exactly one row.
import { env } from "cloudflare:workers";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { connect } from "./helpers.ts";
import { signedInUser, tenantWithRoles, type TestTenant } from "./support/tenancy.ts";
import type { Client } from "@neondatabase/serverless";

const TABLES = ["memberships", "invitations", "api_tokens", "tenant_origins"] as const;
let a: TestTenant;
let b: TestTenant;
let client: Client;

/** A row for each table, in the given tenant, minimal and valid. */
function insertInto(table: (typeof TABLES)[number], tenantId: string, userId: string): [string, unknown[]] {
  const hash = crypto.getRandomValues(new Uint8Array(32));
  switch (table) {
    case "memberships":
      return [
        "INSERT INTO memberships (tenant_id, user_id, role) VALUES ($1, $2, 'member')",
        [tenantId, userId],
      ];
    case "invitations":
      return [
        "INSERT INTO invitations (tenant_id, email, role, token_hash, expires_at) VALUES ($1, 'x@example.com', 'member', $2, now() + interval '1 day')",
        [tenantId, hash],
      ];
    case "api_tokens":
      return [
        "INSERT INTO api_tokens (tenant_id, name, type, token_hash) VALUES ($1, 'x', 'backend', $2)",
        [tenantId, hash],
      ];
    case "tenant_origins":
      return [
        "INSERT INTO tenant_origins (tenant_id, origin) VALUES ($1, 'https://rls.example')",
        [tenantId],
      ];
  }
}

async function inTenant<T>(tenantId: string | null, work: () => Promise<T>): Promise<T> {
  await client.query("BEGIN");
  try {
    if (tenantId) await client.query("SELECT set_config('app.tenant_id', $1, true)", [tenantId]);
    return await work();
  } finally {
    await client.query("ROLLBACK");
  }
}

async function errorOf(work: Promise<unknown>): Promise<string> {
  try {
    await work;
  } catch (error) {
    return (error as Error).message;
  }
  return "no error";
}

beforeAll(async () => {
  [a, b] = await Promise.all([tenantWithRoles(), tenantWithRoles()]);
  client = await connect(env.DATABASE_URL);
});
afterAll(() => client.end());

describe("row-level security on tenancy tables", () => {
  it.each(TABLES)("rls: %s shows no rows without a tenant", async (table) => {
    const { rows } = await inTenant(null, () => client.query(`SELECT count(*)::int AS n FROM ${table}`));
    expect(rows[0].n).toBe(0);
  });

  it.each(TABLES)("rls: an insert into %s without a tenant is refused", async (table) => {
    const user = await signedInUser();
    const [statement, params] = insertInto(table, a.id, user.id);
    expect(await inTenant(null, () => errorOf(client.query(statement, params)))).toMatch(
      /row-level security/,
    );
  });

  it.each(TABLES)("rls: tenant A cannot write a %s row for tenant B (WITH CHECK)", async (table) => {
    const user = await signedInUser();
    const [statement, params] = insertInto(table, b.id, user.id);
    expect(await inTenant(a.id, () => errorOf(client.query(statement, params)))).toMatch(
      /row-level security/,
    );
  });

  it.each(TABLES)(
    "rls: naming another tenant's id in %s is refused exactly like a missing tenant (no FK oracle)",
    async (table) => {
      const user = await signedInUser();
      const [existing, existingParams] = insertInto(table, b.id, user.id);
      const [missing, missingParams] = insertInto(table, crypto.randomUUID(), user.id);
      const existingError = await inTenant(a.id, () => errorOf(client.query(existing, existingParams)));
      const missingError = await inTenant(a.id, () => errorOf(client.query(missing, missingParams)));
      expect(existingError).toMatch(/row-level security/);
      expect(existingError).toBe(missingError);
    },
  );

  it("rls: inside tenant A, tenant B's memberships are invisible and cannot be changed or deleted", async () => {
    await inTenant(a.id, async () => {
      const visible = await client.query("SELECT DISTINCT tenant_id FROM memberships");
      expect(visible.rows).toEqual([{ tenant_id: a.id }]);
      const updated = await client.query("UPDATE memberships SET role = 'owner' WHERE tenant_id = $1", [
        b.id,
      ]);
      expect(updated.rowCount).toBe(0);
      const deleted = await client.query("DELETE FROM memberships WHERE tenant_id = $1", [b.id]);
      expect(deleted.rowCount).toBe(0);
    });
  });

  it("rls: a membership cannot be moved to another tenant (tenant_id is not updatable)", async () => {
    const error = await inTenant(a.id, () =>
      errorOf(
        client.query("UPDATE memberships SET tenant_id = $1 WHERE user_id = $2", [b.id, a.users.member.id]),
      ),
    );
    expect(error).toMatch(/permission denied/);
  });

  it("rls: the user context shows only the user's own memberships and tenants", async () => {
    await client.query("BEGIN");
    try {
      await client.query("SELECT set_config('app.user_id', $1, true)", [a.users.admin.id]);
      const memberships = await client.query("SELECT tenant_id, user_id FROM memberships");
      expect(memberships.rows).toEqual([{ tenant_id: a.id, user_id: a.users.admin.id }]);
      const tenants = await client.query("SELECT id FROM tenants");
      expect(tenants.rows).toEqual([{ id: a.id }]);
      const write = await errorOf(
        client.query("INSERT INTO memberships (tenant_id, user_id, role) VALUES ($1, $2, 'owner')", [
          b.id,
          a.users.admin.id,
        ]),
      );
      expect(write).toMatch(/row-level security/);
    } finally {
      await client.query("ROLLBACK");
    }
  });

  it("rls: a lookup hash shows exactly the matching token and nothing else", async () => {
    const hash = crypto.getRandomValues(new Uint8Array(32));
    const hex = Array.from(hash, (x) => x.toString(16).padStart(2, "0")).join("");
    await client.query("BEGIN");
    await client.query("SELECT set_config('app.tenant_id', $1, true)", [a.id]);
    await client.query(
      "INSERT INTO api_tokens (tenant_id, name, type, token_hash) VALUES ($1, 'lookup', 'backend', $2)",
      [a.id, hash],
    );
    await client.query("COMMIT");
    await client.query("BEGIN");
    try {
      await client.query("SELECT set_config('app.lookup_hash', $1, true)", [hex]);
      const { rows } = await client.query("SELECT tenant_id, name FROM api_tokens");
      expect(rows).toEqual([{ tenant_id: a.id, name: "lookup" }]);
      expect((await client.query("SELECT count(*)::int AS n FROM memberships")).rows[0].n).toBe(0);
      expect((await client.query("DELETE FROM api_tokens")).rowCount).toBe(0);
      const moved = await errorOf(
        client.query("UPDATE api_tokens SET tenant_id = $1 WHERE name = 'lookup'", [b.id]),
      );
      expect(moved).toMatch(/permission denied/);
    } finally {
      await client.query("ROLLBACK");
    }
  });
});
