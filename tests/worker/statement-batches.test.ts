// Statement batches (db/batch.ts) and the RLS scopes built on them (db/scope.ts), as the Worker's
// runtime role through the relay: the round-trip savings must not change what a statement sees.
import { env } from "cloudflare:workers";
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runBatch } from "../../db/batch.ts";
import { createDb, useLocalRelay, type DbHandle } from "../../db/client.ts";
import { tenants } from "../../db/schema/index.ts";
import { inOneRoundTrip, withScope } from "../../db/scope.ts";
import { withTenant } from "../../db/tenant-scope.ts";
import { postgresErrorOf } from "./helpers.ts";

let app: DbHandle;
const tenantA = crypto.randomUUID();

const setting = (name: string) => sql<{ value: string }>`select current_setting(${name}, true) as value`;

beforeAll(async () => {
  useLocalRelay(env.DB_WS_PROXY);
  app = createDb(env.DATABASE_URL);
  await withTenant(app.db, tenantA, (tx) => tx.insert(tenants).values({ id: tenantA, name: "A" }));
});
afterAll(() => app.pool.end());

describe("statement batches", () => {
  it("answers every statement of a batch in order, with the driver's type parsing", async () => {
    const client = await app.pool.connect();
    try {
      const [first, second] = (await runBatch(client, [
        { config: { text: "select $1::int as n, now() as at" }, values: [41] },
        {
          config: { text: "select $1::bytea as bytes, $2::text[] as list", rowMode: "array" },
          values: [new Uint8Array([1, 2]), ["a", "b"]],
        },
      ])) as { rows: unknown[] }[];
      expect(first.rows).toEqual([{ n: 41, at: expect.any(Date) }]);
      expect(second.rows).toEqual([[Buffer.from([1, 2]), ["a", "b"]]]);
    } finally {
      client.release();
    }
  });

  it("batch: a failing statement fails the whole batch and undoes what came before it", async () => {
    const name = `batch-${crypto.randomUUID()}`;
    const write = inOneRoundTrip(app.db, (tx) =>
      Promise.all([
        tx.execute(sql`select set_config('app.tenant_id', ${tenantA}, true)`),
        tx.update(tenants).set({ name }),
        tx.execute(sql`select 1 / 0`),
      ]),
    );
    expect(await postgresErrorOf(write)).toMatch(/division by zero/);
    const [row] = await withTenant(app.db, tenantA, (tx) => tx.select().from(tenants));
    expect(row.name).toBe("A");
  });
});

describe("row-level-security scopes", () => {
  for (const mode of ["transaction", "statements"] as const) {
    it(`rls: the ${mode} scope's setting holds for every statement it sends`, async () => {
      const values = await withScope(app.db, { "app.tenant_id": tenantA }, mode, async (tx) => {
        const together = await Promise.all([tx.execute(setting("app.tenant_id")), tx.select().from(tenants)]);
        const later = await tx.execute(setting("app.tenant_id"));
        return [together[0].rows[0].value, together[1].length, later.rows[0].value];
      });
      expect(values).toEqual([tenantA, 1, tenantA]);
    });

    it(`rls: the ${mode} scope's setting does not outlive the scope on its connection`, async () => {
      await withScope(app.db, { "app.tenant_id": tenantA }, mode, (tx) => tx.select().from(tenants));
      const client = await app.pool.connect();
      try {
        const { rows } = await client.query("select current_setting('app.tenant_id', true) as value");
        expect(rows[0].value ?? "").toBe("");
      } finally {
        client.release();
      }
    });
  }

  it("rls: a failing transaction scope rolls back every statement it sent", async () => {
    const name = `rolled-back-${crypto.randomUUID()}`;
    const failing = withTenant(app.db, tenantA, async (tx) => {
      await tx.update(tenants).set({ name });
      await tx.execute(sql`select 1 / 0`);
    });
    expect(await postgresErrorOf(failing)).toMatch(/division by zero/);
    const [row] = await withTenant(app.db, tenantA, (tx) => tx.select().from(tenants), "statements");
    expect(row.name).toBe("A");
  });

  it("rls: a read scope sees nothing of another tenant and cannot bypass the policies", async () => {
    const other = crypto.randomUUID();
    const rows = await withTenant(app.db, other, (tx) => tx.select().from(tenants), "statements");
    expect(rows).toEqual([]);
  });
});
