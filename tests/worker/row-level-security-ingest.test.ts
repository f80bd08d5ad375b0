// The ingest path sets its RLS context inside one statement (migrations/0012_ingest_round_trips.sql:
// app_authenticate_api_token, app_execute_for_tenant) to save round trips. These run as the
// Worker's runtime role and prove the policies still bind every statement run that way, and that
// no context outlives the call.
import { env } from "cloudflare:workers";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createDb, useLocalRelay, type DbHandle } from "../../db/client.ts";
import { tenants } from "../../db/schema/index.ts";
import { withTenant } from "../../db/tenant-scope.ts";
import { storeSpans } from "../../worker/src/otlp/store.ts";
import type { SpanRow } from "../../worker/src/otlp/map-spans.ts";
import { createApiToken, hashApiToken } from "../../worker/src/tenancy/api-tokens.ts";
import { connect, postgresErrorOf } from "./helpers.ts";

let app: DbHandle;
const tenantA = crypto.randomUUID();
const tenantB = crypto.randomUUID();
const traceId = crypto.randomUUID().replaceAll("-", "");

/** Inserts one span whose tenant_id comes from the argument, not from the context. */
const INSERT_SPAN_OF = `insert into spans (tenant_id, trace_id, span_id, start_time, duration_ns, service_name,
  name, kind, status_code, attributes, resource, source)
  select ($2->>'tenant')::uuid, $2->>'trace', '00000000000000aa', now(), 1, 's', 'n', 0, 0, '{}', '{}', 'backend'`;
const SELECT_TRACE = `select 1 from spans where trace_id = $2->>'trace'`;

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

beforeAll(async () => {
  useLocalRelay(env.DB_WS_PROXY);
  app = createDb(env.DATABASE_URL);
  for (const id of [tenantA, tenantB]) {
    await withTenant(app.db, id, (tx) => tx.insert(tenants).values({ id, name: "t" }));
  }
  await storeSpans(app.db, tenantA, [span("00000000000000a1")]);
  await storeSpans(app.db, tenantB, [span("00000000000000b1")]);
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
         FROM pg_proc p WHERE p.proname IN ('app_authenticate_api_token', 'app_execute_for_tenant')
         ORDER BY 1`,
      );
      expect(rows).toEqual([
        { proname: "app_authenticate_api_token", prosecdef: false, grantees: ["sightline_app"] },
        { proname: "app_execute_for_tenant", prosecdef: false, grantees: ["sightline_app"] },
      ]);
    } finally {
      await client.end();
    }
  });

  it("rls: a statement run for tenant A sees only tenant A's rows", async () => {
    const client = await connect(env.DATABASE_URL);
    try {
      const run = (tenant: string, statement: string) =>
        client.query("select app_execute_for_tenant($1, $2, $3) as n", [
          tenant,
          statement,
          { trace: traceId },
        ]);
      expect((await run(tenantA, SELECT_TRACE)).rows).toEqual([{ n: "1" }]);
      expect((await run(tenantA, `delete from spans where trace_id = $2->>'trace'`)).rows).toEqual([
        { n: "1" },
      ]);
      expect((await run(tenantB, SELECT_TRACE)).rows).toEqual([{ n: "1" }]);
    } finally {
      await client.end();
    }
  });

  it("rls: a statement run for tenant A cannot write rows of tenant B", async () => {
    const write = app.pool.query("select app_execute_for_tenant($1, $2, $3)", [
      tenantA,
      INSERT_SPAN_OF,
      { tenant: tenantB, trace: traceId },
    ]);
    expect(await postgresErrorOf(write)).toMatch(/violates row-level security policy/);
  });

  it("rls: app_execute_for_tenant leaves no tenant context behind, alone or inside a transaction", async () => {
    const client = await connect(env.DATABASE_URL);
    try {
      await client.query("select app_execute_for_tenant($1, 'select 1', '{}')", [tenantA]);
      expect((await client.query("select app_tenant_id() as t")).rows).toEqual([{ t: null }]);
      expect((await client.query("select 1 from spans where trace_id = $1", [traceId])).rows).toEqual([]);
      await client.query("BEGIN");
      await client.query("select set_config('app.tenant_id', $1, true)", [tenantB]);
      await client.query("select app_execute_for_tenant($1, 'select 1', '{}')", [tenantA]);
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
