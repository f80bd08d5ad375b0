// The retention purge functions are the one place where the database lets anyone act across
// tenants (SECURITY.md E26): they must be the only SECURITY DEFINER functions, return nothing but
// a count, be callable by the Worker's role alone, never purge what is not due, and their owner-only
// policies must not open anything to anyone else.
import { env } from "cloudflare:workers";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createDb, useLocalRelay, type DbHandle } from "../../db/client.ts";
import { connect } from "./helpers.ts";
import {
  daysBefore,
  insertAuditEvent,
  insertSpan,
  insertTenant,
  remainingAuditEvents,
} from "./support/privacy.ts";

const PURGE_FUNCTIONS = [
  "retention_purge_audit_events",
  "retention_purge_consent_records",
  "retention_purge_deleted_accounts",
  "retention_purge_expired_api_tokens",
  "retention_purge_expired_invitations",
  "retention_purge_telemetry",
  // Rebuilds each stale tenant-day's Web Vitals cells from that tenant's own rows (0066).
  "rum_vitals_compact",
  // Creates and drops telemetry partitions (0040); returns their count, like the purges.
  "telemetry_partitions_maintain",
];

let handle: DbHandle;
beforeAll(() => {
  useLocalRelay(env.DB_WS_PROXY);
  handle = createDb(env.DATABASE_URL);
});
afterAll(() => handle.pool.end());

async function query<T>(url: string, text: string, params: unknown[] = []): Promise<T[]> {
  const client = await connect(url);
  try {
    return (await client.query(text, params)).rows as T[];
  } finally {
    await client.end();
  }
}

describe("retention purge functions", () => {
  it("rls: the retention purge functions are the only SECURITY DEFINER functions", async () => {
    const rows = await query<{ proname: string }>(
      env.TEST_OWNER_DATABASE_URL,
      `SELECT p.proname FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
       WHERE p.prosecdef AND n.nspname NOT IN ('pg_catalog', 'information_schema') ORDER BY 1`,
    );
    expect(rows.map((row) => row.proname)).toEqual(PURGE_FUNCTIONS);
  });

  it("rls: each returns one integer, pins search_path and is executable only by the runtime role", async () => {
    const rows = await query<{
      proname: string;
      retset: boolean;
      rettype: string;
      config: string[];
      grantees: string[];
    }>(
      env.TEST_OWNER_DATABASE_URL,
      `SELECT p.proname, p.proretset AS retset, p.prorettype::regtype::text AS rettype, p.proconfig AS config,
              array(SELECT coalesce(r.rolname::text, 'PUBLIC') FROM aclexplode(p.proacl) a
                    LEFT JOIN pg_roles r ON r.oid = a.grantee
                    WHERE a.privilege_type = 'EXECUTE' AND a.grantee <> p.proowner ORDER BY 1) AS grantees
       FROM pg_proc p WHERE p.proname = ANY($1) ORDER BY 1`,
      [PURGE_FUNCTIONS],
    );
    expect(rows).toHaveLength(PURGE_FUNCTIONS.length);
    for (const row of rows) {
      expect(row).toEqual({
        proname: row.proname,
        retset: false,
        rettype: "integer",
        config: ["search_path=pg_catalog, public, pg_temp"],
        grantees: ["sightline_app"],
      });
    }
  });

  it("rls: a caller cannot fast-forward the clock to purge what is not due", async () => {
    const now = new Date();
    const tenant = await insertTenant(handle.db);
    const id = await insertAuditEvent(handle.db, {
      tenantId: tenant,
      actorUserId: null,
      at: daysBefore(now, 1),
    });
    const farFuture = new Date(now.getTime() + 10 * 365 * 24 * 3600_000);
    await query(env.DATABASE_URL, "SELECT retention_purge_audit_events($1, 10000)", [
      farFuture.toISOString(),
    ]);
    await query(env.DATABASE_URL, "SELECT retention_purge_telemetry($1, 10000)", [farFuture.toISOString()]);
    expect(await remainingAuditEvents(handle.db, tenant, [id])).toHaveLength(1);
  });

  it("rls: setting app.retention as the runtime role shows no other tenant's rows", async () => {
    const tenant = await insertTenant(handle.db);
    await insertAuditEvent(handle.db, { tenantId: tenant, actorUserId: null, at: new Date() });
    await insertSpan(handle.db, tenant, { at: new Date(), name: "secret" });
    const client = await connect(env.DATABASE_URL);
    try {
      await client.query("BEGIN");
      await client.query("SELECT set_config('app.retention', 'on', true)");
      for (const table of ["tenants", "memberships", "api_tokens", "invitations", "audit_events", "spans"]) {
        const { rows } = await client.query(`SELECT count(*)::int AS n FROM ${table}`);
        expect(rows, table).toEqual([{ n: 0 }]);
      }
      await client.query("ROLLBACK");
    } finally {
      await client.end();
    }
  });

  it("rls: outside the purge functions the owner role is still bound by forced RLS", async () => {
    const tenant = await insertTenant(handle.db);
    await insertSpan(handle.db, tenant, { at: new Date(), name: "owner-cannot-see" });
    const rows = await query<{ n: number }>(
      env.TEST_OWNER_DATABASE_URL,
      "SELECT count(*)::int AS n FROM spans WHERE tenant_id = $1",
      [tenant],
    );
    expect(rows).toEqual([{ n: 0 }]);
  });

  it("rls: app.retention is cleared when a purge function returns", async () => {
    const client = await connect(env.DATABASE_URL);
    try {
      await client.query("BEGIN");
      await client.query("SELECT retention_purge_expired_invitations(now(), 1)");
      const { rows } = await client.query("SELECT current_setting('app.retention', true) AS value");
      expect(rows).toEqual([{ value: "" }]);
      await client.query("ROLLBACK");
    } finally {
      await client.end();
    }
  });
});
