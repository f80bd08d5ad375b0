// Time-partitioned telemetry (migrations/0040_partitioned_telemetry.sql): every registered parent
// is partitioned by day, every partition is bound by the same RLS as its parent, carries all its
// indexes and grants the runtime role nothing; the Cron's partition job creates a week ahead and
// drops whole days past the longest retention; the runtime role cannot do either by itself.
import { env } from "cloudflare:workers";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { sql } from "drizzle-orm";
import { createDb, useLocalRelay, type DbHandle } from "../../db/client.ts";
import { withTenant } from "../../db/tenant-scope.ts";
import { RETENTION } from "../../worker/src/retention/policy.ts";
import { telemetryPartitions } from "../../worker/src/retention/telemetry-partitions.ts";
import { connect, postgresErrorOf } from "./helpers.ts";
import { DAY, daysBefore, insertSpan, insertTenant, spanNamesOf } from "./support/privacy.ts";

const PARENTS = {
  spans: "start_time",
  log_records: "time",
  log_severity_rollups: "time",
  log_severity_rollups_hourly: "time",
  metric_points: "time",
  metric_rollups: "time",
  metric_histogram_rollups: "time",
  metric_name_hours: "time",
  span_rollups: "minute",
  span_rollups_hourly: "time",
  rum_events: "time",
  rum_rollups: "time",
  rum_targets: "time",
  rum_targets_daily: "time",
  rum_sessions: "time",
};

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

const asOwner = <T>(text: string, params: unknown[] = []) =>
  query<T>(env.TEST_OWNER_DATABASE_URL, text, params);

type Partition = { parent: string; name: string; lower: string | null; upper: string | null };

/** Every partition of every registered parent, with its bounds (null: the DEFAULT partition). */
function partitions(): Promise<Partition[]> {
  return asOwner<Partition>(`
    SELECT t.parent, i.inhrelid::regclass::text AS name,
      (partition_bounds(i.inhrelid)).lower_bound AS lower, (partition_bounds(i.inhrelid)).upper_bound AS upper
    FROM partitioned_tables t JOIN pg_inherits i ON i.inhparent = t.parent::regclass
    ORDER BY 1, 2`);
}

const utcDay = (date: Date) => new Date(Math.floor(date.getTime() / DAY) * DAY);

describe("telemetry partitions (catalog)", () => {
  it("catalog: the registered parents are the telemetry tables, range-partitioned on their time column", async () => {
    const rows = await asOwner<{ parent: string; strategy: string; key: string; step: string }>(`
      SELECT t.parent, p.partstrat AS strategy, a.attname AS key, t.step::text AS step
      FROM partitioned_tables t
      JOIN pg_partitioned_table p ON p.partrelid = t.parent::regclass
      JOIN pg_attribute a ON a.attrelid = p.partrelid AND a.attnum = p.partattrs[0]
      ORDER BY 1`);
    expect(rows).toEqual(
      Object.entries(PARENTS)
        .sort()
        .map(([parent, key]) => ({ parent, strategy: "r", key, step: "1 day" })),
    );
  });

  it("catalog: each parent has a DEFAULT partition and a partition for today and each of the next 7 days", async () => {
    const all = await partitions();
    for (const parent of Object.keys(PARENTS)) {
      const own = all.filter((partition) => partition.parent === parent);
      expect(own.filter((partition) => partition.lower === null).map((p) => p.name)).toEqual([
        `${parent}_default`,
      ]);
      for (let day = 0; day <= 7; day++) {
        const start = utcDay(new Date(Date.now() + day * DAY));
        const covering = own.find((p) => p.lower !== null && new Date(p.lower).getTime() === start.getTime());
        expect(covering?.name, `${parent} +${day} d`).toBe(
          `${parent}_p${start.toISOString().slice(0, 10).replaceAll("-", "")}`,
        );
        expect(new Date(covering!.upper!).getTime() - start.getTime()).toBe(DAY);
      }
    }
  });

  it("rls: every partition has row-level security enabled and forced, with each of its parent's policies", async () => {
    const rows = await asOwner<{ name: string; rls: boolean; forced: boolean; missing: string[] }>(`
      SELECT c.relname AS name, c.relrowsecurity AS rls, c.relforcerowsecurity AS forced,
        array(SELECT format('%s %s %s %s', pp.polname, pp.polcmd, pg_get_expr(pp.polqual, pp.polrelid),
                pg_get_expr(pp.polwithcheck, pp.polrelid)) FROM pg_policy pp WHERE pp.polrelid = i.inhparent
              EXCEPT
              SELECT format('%s %s %s %s', cp.polname, cp.polcmd, pg_get_expr(cp.polqual, cp.polrelid),
                pg_get_expr(cp.polwithcheck, cp.polrelid)) FROM pg_policy cp WHERE cp.polrelid = c.oid) AS missing
      FROM partitioned_tables t
      JOIN pg_inherits i ON i.inhparent = t.parent::regclass
      JOIN pg_class c ON c.oid = i.inhrelid`);
    expect(rows.length).toBeGreaterThanOrEqual(4 * 9);
    expect(rows.filter((row) => !row.rls || !row.forced || row.missing.length > 0)).toEqual([]);
    const policies = await asOwner<{ parent: string; names: string[] }>(`
      SELECT t.parent, array(SELECT polname::text FROM pg_policy WHERE polrelid = t.parent::regclass ORDER BY 1) AS names
      FROM partitioned_tables t ORDER BY 1`);
    for (const { parent, names } of policies)
      expect(names, parent).toEqual(["retention", "tenant_isolation"]);
  });

  it("catalog: every partition has every index of its parent", async () => {
    const rows = await asOwner<{ partition: string; missing: string[] }>(`
      SELECT c.relname AS partition,
        array(SELECT pi.indexrelid::regclass::text FROM pg_index pi WHERE pi.indrelid = i.inhparent
              AND NOT EXISTS (SELECT 1 FROM pg_inherits ii JOIN pg_index ci ON ci.indexrelid = ii.inhrelid
                              WHERE ii.inhparent = pi.indexrelid AND ci.indrelid = c.oid)) AS missing
      FROM partitioned_tables t
      JOIN pg_inherits i ON i.inhparent = t.parent::regclass
      JOIN pg_class c ON c.oid = i.inhrelid`);
    expect(rows.filter((row) => row.missing.length > 0)).toEqual([]);
    const spanIndexes = await asOwner<{ n: number }>(
      "SELECT count(*)::int AS n FROM pg_index WHERE indrelid = 'spans'::regclass",
    );
    expect(spanIndexes).toEqual([{ n: 6 }]);
  });

  it("rls: the runtime role has no privilege on any partition: it reaches rows through the parents only", async () => {
    const rows = await asOwner<{ name: string }>(
      `SELECT c.relname AS name FROM partitioned_tables t
       JOIN pg_inherits i ON i.inhparent = t.parent::regclass JOIN pg_class c ON c.oid = i.inhrelid
       WHERE has_table_privilege('sightline_app', c.oid, 'SELECT, INSERT, UPDATE, DELETE, TRUNCATE, REFERENCES, TRIGGER')`,
    );
    expect(rows).toEqual([]);
    const [{ name }] = (await partitions()).filter((p) => p.parent === "spans" && p.lower !== null);
    const direct = query(env.DATABASE_URL, `SELECT count(*) FROM ${name}`);
    expect(await postgresErrorOf(direct)).toMatch(/permission denied for table/);
  });

  it("rls: the runtime role cannot create or drop partitions itself, nor call the partition helpers", async () => {
    const create = query(
      env.DATABASE_URL,
      "CREATE TABLE spans_rogue PARTITION OF spans FOR VALUES FROM ('1990-01-01') TO ('1990-01-02')",
    );
    expect(await postgresErrorOf(create)).toMatch(/permission denied|must be owner/);
    const drop = query(env.DATABASE_URL, "DROP TABLE spans_default");
    expect(await postgresErrorOf(drop)).toMatch(/must be owner/);
    for (const call of [
      "SELECT partitions_ensure(now(), now() + interval '1 day')",
      "SELECT partitions_drop_before(now())",
      "SELECT partition_copy_policies('spans', 'spans_default')",
    ]) {
      expect(await postgresErrorOf(query(env.DATABASE_URL, call)), call).toMatch(
        /permission denied for function/,
      );
    }
  });
});

describe("telemetry partitions (maintenance and retention)", () => {
  it("retention: a day past the longest retention is dropped whole — a partition drop, not a DELETE", async () => {
    const now = new Date();
    const tenant = await insertTenant(handle.db, {
      plan: "pro",
      retentionDays: RETENTION.telemetry.paidMaxDays,
    });
    // Replaying the past (allowed: the clock is clamped to now() only forwards) makes the days of
    // 400 days ago, as the Cron made them back then.
    await telemetryPartitions.run(handle.db, daysBefore(now, 400));
    const old = daysBefore(now, 399);
    await insertSpan(handle.db, tenant, { at: old, name: "day399" });
    await insertSpan(handle.db, tenant, {
      at: daysBefore(now, RETENTION.telemetry.paidMaxDays - 1),
      name: "day364",
    });
    const [row] = await withTenant(
      handle.db,
      tenant,
      async (tx) =>
        (
          await tx.execute<{ home: string }>(
            "select tableoid::regclass::text as home from spans where name = 'day399'",
          )
        ).rows,
    );
    expect(row.home).toBe(`spans_p${old.toISOString().slice(0, 10).replaceAll("-", "")}`);

    expect(await telemetryPartitions.run(handle.db, now)).toBeGreaterThanOrEqual(4);
    expect(await spanNamesOf(handle.db, tenant)).toEqual(["day364"]);
    const left = (await partitions()).filter((p) => p.upper !== null);
    // Nothing whole past the longest window is left, and nothing inside it was dropped.
    const cutoff = daysBefore(now, RETENTION.telemetry.paidMaxDays).getTime();
    expect(left.filter((p) => new Date(p.upper!).getTime() <= cutoff)).toEqual([]);
  });

  it("retention: a RUM day past the longest retention is dropped whole, its events and hourly rollups", async () => {
    const now = new Date();
    const tenant = await insertTenant(handle.db, {
      plan: "pro",
      retentionDays: RETENTION.telemetry.paidMaxDays,
    });
    await telemetryPartitions.run(handle.db, daysBefore(now, 400));
    const old = daysBefore(now, 399);
    const vital = {
      trace_id: "1".repeat(32),
      span_id: "2".repeat(16),
      start_time: old.toISOString(),
      duration_ns: 1,
      service_name: "web",
      name: "browser.web_vital",
      kind: 1,
      status_code: 0,
      attributes: { "url.path": "/old", "browser.web_vital.name": "LCP", "browser.web_vital.value": 900 },
      resource: {},
      source: "frontend",
    };
    await handle.db.execute(sql`select app_store_spans(${tenant}::uuid, ${JSON.stringify([vital])}::jsonb)`);
    const day = old.toISOString().slice(0, 10).replaceAll("-", "");
    const homes = () =>
      withTenant(handle.db, tenant, async (tx) =>
        (
          await tx.execute<{ home: string }>(sql`
            select tableoid::regclass::text as home from rum_events
            union select tableoid::regclass::text from rum_rollups order by 1`)
        ).rows.map((row) => row.home),
      );
    expect(await homes()).toEqual([`rum_events_p${day}`, `rum_rollups_p${day}`]);
    await telemetryPartitions.run(handle.db, now);
    expect(await homes()).toEqual([]);
    const names = (await partitions()).map((p) => p.name);
    expect(names).not.toContain(`rum_events_p${day}`);
  });

  it("catalog: after the partition job, every partition of the last day that holds rows has statistics", async () => {
    const tenant = await insertTenant(handle.db, { plan: "pro" });
    await insertSpan(handle.db, tenant, { at: new Date(), name: "today" });
    // Row counts reach pg_stat when the writing backend flushes its statistics (up to a second
    // after its commit; other test files write meanwhile too), so the check is on what the
    // statistics showed before the job ran, once they show this test's own span.
    const today = `spans_p${new Date().toISOString().slice(0, 10).replaceAll("-", "")}`;
    const unanalyzed = () =>
      asOwner<{ name: string }>(`
        SELECT s.relid::regclass::text AS name
        FROM partitioned_tables t
        JOIN pg_inherits i ON i.inhparent = t.parent::regclass
        JOIN pg_stat_all_tables s ON s.relid = i.inhrelid
        WHERE s.n_mod_since_analyze > 0 AND s.last_analyze IS NULL AND s.last_autoanalyze IS NULL
          AND (partition_bounds(i.inhrelid)).upper_bound > now() - interval '1 day'
          AND (partition_bounds(i.inhrelid)).lower_bound <= now()`);
    const analyzed = async (name: string) =>
      (
        await asOwner<{ done: boolean }>(
          `SELECT last_analyze IS NOT NULL OR last_autoanalyze IS NOT NULL AS done
           FROM pg_stat_all_tables WHERE relid = $1::regclass`,
          [name],
        )
      )[0].done;
    let before: string[] = [];
    await vi.waitFor(
      async () => {
        before = (await unanalyzed()).map((row) => row.name);
        if (!before.includes(today) && !(await analyzed(today)))
          throw new Error(`${today}'s statistics do not show the span yet`);
      },
      { timeout: 10_000, interval: 50 },
    );
    await telemetryPartitions.run(handle.db, new Date());
    const after = await Promise.all(before.map(async (name) => ({ name, analyzed: await analyzed(name) })));
    expect(after.filter((partition) => !partition.analyzed)).toEqual([]);
    expect(await analyzed(today)).toBe(true);
  });

  it("rls: the partition job cannot be fast-forwarded to make far-future days or drop days still kept", async () => {
    const before = await partitions();
    await query(env.DATABASE_URL, "SELECT telemetry_partitions_maintain($1)", [
      new Date(Date.now() + 10 * 365 * DAY).toISOString(),
    ]);
    const after = await partitions();
    const latest = Math.max(
      ...after.filter((p) => p.upper !== null).map((p) => new Date(p.upper!).getTime()),
    );
    expect(latest).toBeLessThanOrEqual(utcDay(new Date()).getTime() + 9 * DAY);
    const keptBefore = before.filter(
      (p) => p.upper === null || new Date(p.upper).getTime() > Date.now() - 364 * DAY,
    );
    expect(after.map((p) => p.name)).toEqual(expect.arrayContaining(keptBefore.map((p) => p.name)));
  });

  it("a span older than every day partition lands in the DEFAULT partition, is queried and purged like any other", async () => {
    const now = new Date();
    const tenant = await insertTenant(handle.db, { plan: "pro", retentionDays: 200 });
    await insertSpan(handle.db, tenant, { at: daysBefore(now, 150), name: "day150" });
    await insertSpan(handle.db, tenant, { at: daysBefore(now, 250), name: "day250" });
    const homes = await withTenant(
      handle.db,
      tenant,
      async (tx) =>
        (await tx.execute<{ home: string }>("select distinct tableoid::regclass::text as home from spans"))
          .rows,
    );
    expect(homes).toEqual([{ home: "spans_default" }]);
    const purged = await query<{ n: number }>(
      env.DATABASE_URL,
      "SELECT retention_purge_telemetry($1, 10000) AS n",
      [now.toISOString()],
    );
    expect(purged[0].n).toBeGreaterThanOrEqual(1);
    expect(await spanNamesOf(handle.db, tenant)).toEqual(["day150"]);
  });
});
