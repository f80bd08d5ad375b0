// The ingest path sets its RLS context inside one statement to save round trips: the token lookup
// (app_authenticate_api_token, migrations/0012) and one narrow store function per signal
// (app_store_spans / app_store_log_records / app_store_metric_points, migrations/0023, which
// replaced the generic app_execute_for_tenant). These run as the Worker's runtime role and prove
// the policies still bind every statement run that way, that the role can pass rows but no SQL,
// and that no context outlives the call.
import { env } from "cloudflare:workers";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createDb, useLocalRelay, type DbHandle } from "../../db/client.ts";
import { tenants } from "../../db/schema/index.ts";
import { withTenant } from "../../db/tenant-scope.ts";
import { storeRows } from "../../worker/src/otlp/store.ts";
import type { SpanRow } from "../../worker/src/otlp/map-spans.ts";
import { createApiToken, hashApiToken } from "../../worker/src/tenancy/api-tokens.ts";
import { connect, postgresErrorOf } from "./helpers.ts";

let app: DbHandle;
const tenantA = crypto.randomUUID();
const tenantB = crypto.randomUUID();
const traceId = crypto.randomUUID().replaceAll("-", "");

function span(spanId: string): SpanRow {
  return {
    trace_id: traceId,
    span_id: spanId,
    parent_span_id: null,
    start_time: new Date().toISOString(),
    duration_ns: 1,
    service_name: "svc",
    name: "op",
    kind: 0,
    status_code: 0,
    status_message: null,
    attributes: {},
    resource: {},
    scope: null,
    events: null,
    links: null,
    source: "backend",
  };
}

const STORE_FUNCTIONS = ["app_store_log_records", "app_store_metric_points", "app_store_spans"];

beforeAll(async () => {
  useLocalRelay(env.DB_WS_PROXY);
  app = createDb(env.DATABASE_URL);
  for (const id of [tenantA, tenantB]) {
    await withTenant(app.db, id, (tx) => tx.insert(tenants).values({ id, name: "t" }));
  }
  await storeRows(app.db, "traces", tenantA, JSON.stringify([span("00000000000000a1")]));
  await storeRows(app.db, "traces", tenantB, JSON.stringify([span("00000000000000b1")]));
});
afterAll(() => app.pool.end());

describe("row-level security of the one-round-trip ingest functions", () => {
  it("rls: the ingest functions run as the caller (SECURITY INVOKER) and only the runtime role may execute them", async () => {
    const client = await connect(env.TEST_OWNER_DATABASE_URL);
    try {
      const { rows } = await client.query(
        `SELECT p.proname, p.prosecdef,
                array(SELECT coalesce(r.rolname::text, 'PUBLIC') FROM aclexplode(p.proacl) a
                      LEFT JOIN pg_roles r ON r.oid = a.grantee
                      WHERE a.privilege_type = 'EXECUTE' AND a.grantee <> p.proowner) AS grantees
         FROM pg_proc p WHERE p.proname = 'app_authenticate_api_token' OR p.proname LIKE 'app_store_%'
         ORDER BY 1`,
      );
      expect(rows).toEqual(
        ["app_authenticate_api_token", ...STORE_FUNCTIONS].map((proname) => ({
          proname,
          prosecdef: false,
          grantees: ["sightline_app"],
        })),
      );
    } finally {
      await client.end();
    }
  });

  it("rls: the runtime role cannot have SQL of its choosing run in a tenant's context (the generic execute function is gone)", async () => {
    const old = app.pool.query("select app_execute_for_tenant($1, 'select 1', '{}')", [tenantA]);
    expect(await postgresErrorOf(old)).toMatch(/function app_execute_for_tenant\(.*\) does not exist/);
  });

  it("rls: a store function writes only the tenant it is given, whatever the rows claim", async () => {
    const forged = { ...span("00000000000000a2"), tenant_id: tenantB };
    await storeRows(app.db, "traces", tenantA, JSON.stringify([forged]));
    const tenantsOf = async (tenant: string) =>
      withTenant(
        app.db,
        tenant,
        async (tx) =>
          (
            await tx.execute(`select encode(span_id, 'hex') as span_id, tenant_id from spans
              where trace_id = decode('${traceId}', 'hex') order by 1`)
          ).rows,
      );
    expect(await tenantsOf(tenantA)).toEqual([
      { span_id: "00000000000000a1", tenant_id: tenantA },
      { span_id: "00000000000000a2", tenant_id: tenantA },
    ]);
    expect(await tenantsOf(tenantB)).toEqual([{ span_id: "00000000000000b1", tenant_id: tenantB }]);
  });

  it("rls: the store functions leave no tenant context behind, alone or inside a transaction", async () => {
    const client = await connect(env.DATABASE_URL);
    try {
      for (const name of STORE_FUNCTIONS) {
        await client.query(`select ${name}($1, '[]')`, [tenantA]);
        expect((await client.query("select app_tenant_id() as t")).rows).toEqual([{ t: null }]);
      }
      expect(
        (await client.query("select 1 from spans where trace_id = decode($1, 'hex')", [traceId])).rows,
      ).toEqual([]);
      await client.query("BEGIN");
      await client.query("select set_config('app.tenant_id', $1, true)", [tenantB]);
      await client.query("select app_store_spans($1, '[]')", [tenantA]);
      expect((await client.query("select app_tenant_id() as t")).rows).toEqual([{ t: tenantB }]);
      await client.query("COMMIT");
    } finally {
      await client.end();
    }
  });

  it("rls: the token lookup finds only the presented token and leaves no lookup context behind", async () => {
    const { token, id } = await withTenant(app.db, tenantA, (tx) =>
      createApiToken(tx, tenantA, {
        name: "t",
        description: "",
        type: "backend",
        expiresAt: null,
        createdBy: null,
      }),
    );
    const client = await connect(env.DATABASE_URL);
    try {
      const lookup = async (hash: Uint8Array) =>
        (
          await client.query(
            "select id, tenant_id from app_authenticate_api_token($1, now(), now() - interval '1 hour')",
            [hash],
          )
        ).rows;
      expect(await lookup(await hashApiToken(token))).toEqual([{ id, tenant_id: tenantA }]);
      expect(await lookup(crypto.getRandomValues(new Uint8Array(32)))).toEqual([]);
      expect((await client.query("select app_lookup_hash() as h")).rows).toEqual([{ h: null }]);
      await client.query("BEGIN");
      await lookup(await hashApiToken(token));
      expect((await client.query("select id from api_tokens")).rows).toEqual([]);
      await client.query("COMMIT");
    } finally {
      await client.end();
    }
  });
});
