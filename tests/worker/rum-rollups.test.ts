// RUM storage end to end (docs/ingest.md "RUM storage", docs/query.md "Real-user monitoring"):
// page views and web vitals become narrow rum_events rows and hourly rum_rollups in the statement
// that stores the batch, counted once however often the queue redelivers it; routes are grouped
// at the edge (defaults and the tenant's own patterns); the Vitals views read the rollups.
import { env } from "cloudflare:workers";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sql } from "drizzle-orm";
import { createDb, useLocalRelay, type DbHandle } from "../../db/client.ts";
import { withTenant } from "../../db/tenant-scope.ts";
import { ratingOf, VITALS, type AttributionReport, type RouteSessions } from "../../worker/src/query/rum.ts";
import { bucketOf } from "../../worker/src/query/vital-sketch.ts";
import { telemetry } from "../../worker/src/retention/telemetry.ts";
import { compactVitals } from "../../worker/src/rollups/vitals-compaction.ts";
import { connect, problemOf } from "./helpers.ts";
import { api } from "./support/accounts.ts";
import { kv, member, read, SHOP, type Member } from "./support/query.ts";
import { postOtlp, randomHex, rowsOf, settleIngest } from "./support/telemetry.ts";
import { as, tenantWithRoles } from "./support/tenancy.ts";

let handle: DbHandle;
beforeAll(() => {
  useLocalRelay(env.DB_WS_PROXY);
  handle = createDb(env.DATABASE_URL);
});
afterAll(() => handle.pool.end());

type Attrs = Record<string, string | number>;
type Browser = { mobile?: boolean; network?: string; country?: string; sessionId?: string };

const nanos = (ms: number) => (BigInt(Math.round(ms)) * 1_000_000n).toString();

function rumSpan(name: string, attributes: Attrs, agoMs = 0) {
  const at = Date.now() - agoMs;
  return {
    traceId: randomHex(16),
    spanId: randomHex(8),
    name,
    kind: 1,
    startTimeUnixNano: nanos(at - 1),
    endTimeUnixNano: nanos(at),
    attributes: Object.entries(attributes).map(([key, value]) => kv(key, value)),
  };
}

const vital = (path: string, name: string, value: number, extra: Attrs = {}, agoMs = 0) =>
  rumSpan(
    "browser.web_vital",
    {
      "url.path": path,
      "browser.web_vital.name": name,
      "browser.web_vital.value": value,
      ...extra,
    },
    agoMs,
  );
const view = (path: string) => rumSpan("browser.page_view", { "url.path": path });

function browserBody(spans: unknown[], browser: Browser = {}): string {
  const resource = [
    kv("service.name", "shop-web"),
    ...(browser.mobile === undefined
      ? []
      : [{ key: "browser.mobile", value: { boolValue: browser.mobile } }]),
    ...(browser.network ? [kv("network.connection.effective_type", browser.network)] : []),
    ...(browser.sessionId ? [kv("session.id", browser.sessionId)] : []),
  ];
  return JSON.stringify({ resourceSpans: [{ resource: { attributes: resource }, scopeSpans: [{ spans }] }] });
}

async function sendBrowser(m: Member, body: string, country = "DE"): Promise<void> {
  const response = await postOtlp("traces", body, {
    token: m.frontend,
    contentType: "application/json",
    origin: SHOP,
    cf: { country, colo: "FRA" },
  });
  expect(response.status).toBe(200);
}

type Summary = {
  p75: number;
  samples: number;
  rating: string;
  distribution: { good: number; needsImprovement: number; poor: number };
};
type Vitals = {
  stepSeconds: number;
  overall: Record<string, Summary>;
  routes: { route: string; samples: number; vitals: Record<string, Summary> }[];
  breakdowns: Record<string, { value: string; samples: number; vitals: Record<string, Summary> }[]>;
};

/** Each range's report, for every route and for the route /p1. */
async function reportsOf(m: Member, ranges: string[]): Promise<Vitals[]> {
  const reports = [];
  for (const range of ranges) reports.push(await vitalsOf(m, range), await vitalsOf(m, `${range}&route=/p1`));
  return reports;
}

async function vitalsOf(m: Member, query = ""): Promise<Vitals> {
  await settleIngest();
  const response = await read(m, `/rum/vitals${query}`);
  expect(response.status).toBe(200);
  return response.json<Vitals>();
}

describe("RUM rollups", () => {
  it("rollups: a redelivered batch is counted once (events and rollups skip what is already stored)", async () => {
    const m = await member();
    const body = browserBody([vital("/", "LCP", 1000), vital("/", "LCP", 3000), view("/")]);
    await sendBrowser(m, body);
    await sendBrowser(m, body);
    await settleIngest();
    const events = await rowsOf(m.tenantId, "select metric from rum_events order by metric");
    expect(events.map((row) => row.metric)).toEqual(["LCP", "LCP", "page_view"]);
    const rollups = await rowsOf(
      m.tenantId,
      "select metric, sum(count)::int as count from rum_rollups group by metric order by metric",
    );
    expect(rollups).toEqual([
      { metric: "LCP", count: 2 },
      { metric: "page_view", count: 1 },
    ]);
    expect((await vitalsOf(m)).overall.LCP.samples).toBe(2);
    // Web-vital spans are stored as events only; page views stay spans too.
    const spans = await rowsOf(m.tenantId, "select name from spans");
    expect(spans.map((row) => row.name)).toEqual(["browser.page_view"]);
  });

  it("the Postgres sketch bucket and rating rules are the TypeScript ones", async () => {
    const values = [
      0, 1e-7, 0.001, 0.05, 0.1, 0.1000001, 0.25, 1, 1.5, 199.9, 200, 200.5, 2500, 4000, 4001, 59_999,
    ];
    const { rows } = await handle.db.execute<{ v: number; bucket: string; ratings: (number | null)[] }>(sql`
      select v, rum_sketch_bucket(v) as bucket,
        array[${sql.join(
          VITALS.map((name) => sql`rum_rating(${name}, v)`),
          sql`, `,
        )}] as ratings
      from unnest(${`{${values.join(",")}}`}::float8[]) as v`);
    const names = ["good", "needs-improvement", "poor"];
    for (const row of rows) {
      expect(row.bucket, String(row.v)).toBe(bucketOf(row.v));
      expect(
        row.ratings.map((rating) => names[rating!]),
        String(row.v),
      ).toEqual(VITALS.map((name) => ratingOf(name, row.v)));
    }
  });

  it("a range longer than three days reads the daily rollups: the same answer, in daily steps", async () => {
    const m = await member();
    await sendBrowser(m, browserBody([1200, 2500, 3000, 4500].map((v) => vital("/", "LCP", v))));
    const from = new Date(Date.now() - 30 * 86_400_000).toISOString();
    const month = await vitalsOf(m, `?from=${from}`);
    const day = await vitalsOf(m);
    expect(month.stepSeconds).toBe(86_400);
    expect(day.stepSeconds % 3600).toBe(0);
    expect(month.overall).toEqual(day.overall);
  });

  it("reports the good / needs-improvement / poor shares of each vital (web.dev thresholds)", async () => {
    const m = await member();
    // LCP: 2 good (≤ 2500), 1 needs improvement, 1 poor (> 4000).
    await sendBrowser(m, browserBody([1200, 2500, 3000, 4500].map((v) => vital("/", "LCP", v))));
    const { overall } = await vitalsOf(m);
    expect(overall.LCP.distribution).toEqual({ good: 0.5, needsImprovement: 0.25, poor: 0.25 });
    expect(overall.LCP.samples).toBe(4);
  });

  it("breaks p75 down by device class, network class and country", async () => {
    const m = await member();
    await sendBrowser(
      m,
      browserBody([vital("/", "INP", 100), vital("/", "INP", 120)], { mobile: false, network: "4g" }),
      "DE",
    );
    await sendBrowser(
      m,
      browserBody([vital("/", "INP", 600), vital("/", "INP", 700), vital("/", "INP", 800)], {
        mobile: true,
        network: "3g",
      }),
      "BR",
    );
    const { breakdowns, overall } = await vitalsOf(m);
    expect(overall.INP.samples).toBe(5);
    const of = (dimension: string, value: string) =>
      breakdowns[dimension].find((entry) => entry.value === value)!.vitals.INP;
    expect(of("device", "mobile")).toMatchObject({ samples: 3, rating: "poor" });
    expect(of("device", "desktop")).toMatchObject({ samples: 2, rating: "good" });
    expect(Math.abs(of("device", "mobile").p75 - 750) / 750).toBeLessThanOrEqual(0.02);
    expect(of("network", "3g").samples).toBe(3);
    expect(of("network", "4g").samples).toBe(2);
    expect(of("country", "BR").rating).toBe("poor");
    expect(of("country", "DE").rating).toBe("good");
    // One route asked for: only its samples.
    expect((await vitalsOf(m, "?route=/nowhere")).overall).toEqual({});
  });

  it("groups paths into routes: numbers, UUIDs and hashes become :id, a client's route is re-templated", async () => {
    const m = await member();
    const id = crypto.randomUUID();
    await sendBrowser(
      m,
      browserBody([
        view("/blog/42"),
        view("/blog/43?utm=x"),
        view(`/orders/${id}/items`),
        view("/assets/9f86d081884c7d65"),
        rumSpan("browser.page_view", { "url.path": "/u/7", "url.template": "/u/123" }),
        view("/pricing"),
      ]),
    );
    await settleIngest();
    const pages = await (
      await read(m, "/rum/pages")
    ).json<{ total: number; routes: { route: string; views: number }[] }>();
    expect(pages.total).toBe(6);
    expect(Object.fromEntries(pages.routes.map((r) => [r.route, r.views]))).toEqual({
      "/blog/:id": 2,
      "/orders/:id/items": 1,
      "/assets/:id": 1,
      "/u/:id": 1,
      "/pricing": 1,
    });
  });

  it("applies the tenant's own route patterns first (PUT /rum/routes), the defaults elsewhere", async () => {
    const m = await member();
    const put = await api(`/api/tenants/${m.tenantId}/rum/routes`, {
      method: "PUT",
      json: { patterns: ["/app/t/:tid/traces", "/docs/*"] },
      cookie: m.cookie,
    });
    expect(put.status).toBe(200);
    expect(await put.json()).toEqual({ patterns: ["/app/t/:tid/traces", "/docs/*"] });
    const tid = crypto.randomUUID();
    await sendBrowser(
      m,
      browserBody([
        vital(`/app/t/${tid}/traces`, "LCP", 900),
        vital("/docs/api/v2/tokens", "LCP", 800),
        vital("/app/t/acme/traces", "LCP", 700),
        vital("/item/12", "LCP", 600),
      ]),
    );
    const { routes } = await vitalsOf(m);
    expect(routes.map((r) => r.route).sort()).toEqual(["/app/t/:tid/traces", "/docs/*", "/item/:id"]);
    expect(routes.find((r) => r.route === "/app/t/:tid/traces")!.samples).toBe(2);
  });

  it("lists the INP / LCP attribution targets and the sessions of a route", async () => {
    const m = await member();
    const session = crypto.randomUUID();
    await sendBrowser(
      m,
      browserBody(
        [
          view("/checkout"),
          vital("/checkout", "INP", 650, { "browser.web_vital.target": "button#pay" }),
          vital("/checkout", "INP", 700, { "browser.web_vital.target": "button#pay" }),
          vital("/checkout", "LCP", 1800, { "browser.web_vital.target": "img.hero" }),
        ],
        { sessionId: session },
      ),
    );
    await settleIngest();
    const attribution = await (await read(m, "/rum/attribution?route=/checkout")).json<AttributionReport>();
    expect(attribution.INP).toMatchObject([{ target: "button#pay", samples: 2, rating: "poor" }]);
    expect(Math.abs(attribution.INP[0].p75 - 687.5) / 687.5).toBeLessThan(0.02);
    expect(attribution.LCP).toMatchObject([{ target: "img.hero", samples: 1, rating: "good" }]);
    const sessions = await (await read(m, "/rum/sessions?route=/checkout")).json<RouteSessions>();
    expect(sessions.sessions).toMatchObject([{ sessionId: session, pageViews: 1, vitals: 3, poorVitals: 2 }]);
    const missing = await read(m, "/rum/sessions");
    expect(missing.status).toBe(400);
    expect((await problemOf(missing)).code).toBe("INVALID_REQUEST");
  });

  it("rls: another tenant's RUM events and rollups are invisible", async () => {
    const owner = await member();
    await sendBrowser(owner, browserBody([vital("/", "LCP", 1000)]));
    await settleIngest();
    const stranger = await member();
    expect(await rowsOf(stranger.tenantId, "select 1 from rum_events")).toEqual([]);
    expect(await rowsOf(stranger.tenantId, "select 1 from rum_rollups")).toEqual([]);
    expect(await rowsOf(stranger.tenantId, "select 1 from rum_targets")).toEqual([]);
    expect(await rowsOf(stranger.tenantId, "select 1 from rum_targets_daily")).toEqual([]);
    expect(await rowsOf(stranger.tenantId, "select 1 from rum_sessions")).toEqual([]);
    expect((await vitalsOf(stranger)).overall).toEqual({});
  });

  it("a long range reads the per-dimension day cells once compacted: the same report as from the combinations", async () => {
    const m = await member();
    const day = 86_400_000;
    for (const [agoDays, country, mobile] of [
      [0, "DE", false],
      [1, "BR", true],
      [2, "DE", true],
      [3, "US", false],
    ] as const)
      await sendBrowser(
        m,
        browserBody(
          [
            vital("/", "LCP", 1200 + agoDays * 300, {}, agoDays * day),
            vital("/pricing", "LCP", 2600 + agoDays * 100, {}, agoDays * day),
            vital("/pricing", "INP", 90 + agoDays * 40, {}, agoDays * day),
            vital("/", "CLS", agoDays === 2 ? 0 : 0.12, {}, agoDays * day),
          ],
          { mobile, network: mobile ? "3g" : "4g" },
        ),
        country,
      );
    const from = `?from=${new Date(Date.now() - 30 * day).toISOString()}`;
    const stale = await vitalsOf(m, from);
    const staleRoute = await vitalsOf(m, `${from}&route=/pricing`);
    expect(stale.overall.LCP.samples).toBe(8);
    expect(stale.breakdowns.country.map((entry) => entry.value).sort()).toEqual(["BR", "DE", "US"]);
    expect(await rowsOf(m.tenantId, "select count(*)::int as days from rum_vitals_stale")).toEqual([
      { days: 4 },
    ]);

    await compactVitals(handle.db);
    expect(await rowsOf(m.tenantId, "select count(*)::int as days from rum_vitals_stale")).toEqual([
      { days: 0 },
    ]);
    // Each vital is counted once into every cell of its day: 8 LCP in the every-route cells.
    expect(
      await rowsOf(
        m.tenantId,
        "select sum(count)::int as n from rum_vitals_daily where days = 1 and metric = 'LCP' and route = '' and dimension = ''",
      ),
    ).toEqual([{ n: 8 }]);
    expect(await vitalsOf(m, from)).toEqual(stale);
    expect(await vitalsOf(m, `${from}&route=/pricing`)).toEqual(staleRoute);
  });

  it("blocks of days: a view reads the largest compacted blocks that tile its range, the same report as day by day", async () => {
    const m = await member();
    const day = 86_400_000;
    // 24 days of vitals, one route and country per day, so each block's rows are distinct sums.
    const spans = Array.from({ length: 24 }, (_, agoDays) =>
      vital(`/p${agoDays % 3}`, "LCP", 900 + agoDays * 170, {}, agoDays * day),
    );
    await sendBrowser(m, browserBody(spans.slice(0, 12), { mobile: true, network: "4g" }), "DE");
    await sendBrowser(m, browserBody(spans.slice(12), { mobile: false, network: "3g" }), "FR");
    const ranges = [30, 9, 5].map((days) => `?from=${new Date(Date.now() - days * day).toISOString()}`);
    const live = await reportsOf(m, ranges);
    expect(live[0].overall.LCP.samples).toBe(24);

    await compactVitals(handle.db);
    // Every width of block was built, each the merge of its halves: the 64-day blocks hold all 24.
    const widths = await rowsOf(
      m.tenantId,
      `select days, sum(count)::int as n from rum_vitals_daily
       where metric = 'LCP' and route = '' and dimension = '' group by days order by days`,
    );
    expect(widths.map((row) => row.days)).toEqual([1, 2, 4, 8, 16, 32, 64]);
    expect(widths.find((row) => row.days === 64)).toEqual({ days: 64, n: 24 });
    expect(await reportsOf(m, ranges)).toEqual(live);

    // A late vital makes its day stale: the blocks holding it are not read until compacted again.
    await sendBrowser(m, browserBody([vital("/p1", "LCP", 7000, {}, 6 * day)]), "DE");
    const late = await vitalsOf(m, ranges[0]);
    expect(late.overall.LCP.samples).toBe(25);
    expect(late.breakdowns.country.find((entry) => entry.value === "DE")?.samples).toBe(13);
    await compactVitals(handle.db);
    expect(await vitalsOf(m, ranges[0])).toEqual(late);
  });

  it("blocks of hours: a view of up to three days reads compacted hour blocks, the same report as from the combinations", async () => {
    const m = await member();
    const hour = 3_600_000;
    const spans = Array.from({ length: 20 }, (_, agoHours) =>
      vital(`/p${agoHours % 3}`, agoHours % 2 ? "INP" : "LCP", 100 + agoHours * 90, {}, agoHours * hour),
    );
    await sendBrowser(m, browserBody(spans.slice(0, 10), { mobile: true, network: "4g" }), "DE");
    await sendBrowser(m, browserBody(spans.slice(10), { mobile: false, network: "3g" }), "FR");
    const ranges = [24, 7, 3].map((hours) => `?from=${new Date(Date.now() - hours * hour).toISOString()}`);
    const live = await reportsOf(m, ranges);
    expect(live[0].overall.LCP.samples + live[0].overall.INP.samples).toBe(20);
    expect(live[0].stepSeconds).toBe(3600);

    await compactVitals(handle.db);
    const widths = await rowsOf(
      m.tenantId,
      `select hours, sum(count)::int as n from rum_vitals_hourly
       where route = '' and dimension = '' group by hours order by hours`,
    );
    expect(widths.map((row) => row.hours)).toEqual([1, 2, 4, 8, 16]);
    expect(widths[0]).toEqual({ hours: 1, n: 20 });
    expect(await reportsOf(m, ranges)).toEqual(live);

    // A late vital makes its hour stale: the blocks holding it wait for the next compaction.
    await sendBrowser(m, browserBody([vital("/p1", "LCP", 9000, {}, 5 * hour)]), "DE");
    const late = await vitalsOf(m, ranges[0]);
    expect(late.overall.LCP.samples).toBe(11);
    expect(late.breakdowns.country.find((entry) => entry.value === "DE")?.samples).toBe(11);
    await compactVitals(handle.db);
    expect(await vitalsOf(m, ranges[0])).toEqual(late);
  });

  it("hour cells cover the last four days: an earlier short range reads the combination rows, the same report", async () => {
    const m = await member();
    const hour = 3_600_000;
    const at = Date.now() - 5 * 24 * hour;
    const batch = vitalRows([
      { at, path: "/old" },
      { at: at + hour, path: "/old" },
      { at: Date.now() - hour, path: "/new" },
    ]);
    await handle.db.execute(sql`select app_store_spans(${m.tenantId}::uuid, ${batch}::jsonb)`);
    const range = `?from=${new Date(at - 12 * hour).toISOString()}&to=${new Date(at + 12 * hour).toISOString()}`;
    const live = await vitalsOf(m, range);
    expect(live.overall.LCP.samples).toBe(2);
    await compactVitals(handle.db);
    expect(
      await rowsOf(
        m.tenantId,
        "select distinct route from rum_vitals_hourly where route <> '' order by route",
      ),
    ).toEqual([{ route: "/new" }]);
    expect(await vitalsOf(m, range)).toEqual(live);
  });

  it("a long view reads the day that holds its end from that day's hour cells (the day still being written)", async () => {
    const m = await member();
    const hour = 3_600_000;
    await sendBrowser(
      m,
      browserBody([vital("/", "LCP", 1000, {}, 0), vital("/", "LCP", 3000, {}, 3 * 24 * hour)]),
    );
    const range = `?from=${new Date(Date.now() - 7 * 24 * hour).toISOString()}`;
    await settleIngest();
    await compactVitals(handle.db);
    const compacted = await vitalsOf(m, range);
    expect(compacted.overall.LCP.samples).toBe(2);
    // Without today's day cells the view is the same: it never read them.
    const owner = await connect(env.TEST_OWNER_DATABASE_URL);
    try {
      await owner.query("begin");
      await owner.query("select set_config('app.retention', 'on', true)");
      await owner.query(
        `delete from rum_vitals_daily where tenant_id = $1
         and time = date_bin('1 day', now(), timestamptz '2000-01-01 00:00:00+00')`,
        [m.tenantId],
      );
      await owner.query("commit");
    } finally {
      await owner.end();
    }
    expect(await vitalsOf(m, range)).toEqual(compacted);
    // A new vital is in it at once: its hour is read from its combination rows until compacted.
    await sendBrowser(m, browserBody([vital("/", "LCP", 5000)]));
    expect((await vitalsOf(m, range)).overall.LCP.samples).toBe(3);
  });

  it("a compacted day that receives more vitals is stale again and read with them at once", async () => {
    const m = await member();
    await sendBrowser(m, browserBody([vital("/", "LCP", 1000), vital("/", "LCP", 2000)]));
    const from = `?from=${new Date(Date.now() - 7 * 86_400_000).toISOString()}`;
    await settleIngest();
    await compactVitals(handle.db);
    expect((await vitalsOf(m, from)).overall.LCP.samples).toBe(2);
    await sendBrowser(m, browserBody([vital("/", "LCP", 5000), vital("/", "LCP", 6000)]));
    const after = await vitalsOf(m, from);
    expect(after.overall.LCP).toMatchObject({
      samples: 4,
      distribution: { good: 0.5, needsImprovement: 0, poor: 0.5 },
    });
    expect(await rowsOf(m.tenantId, "select count(*)::int as days from rum_vitals_stale")).toEqual([
      { days: 1 },
    ]);
  });

  it("retention: the telemetry job purges RUM events and rollups past the tenant's window", async () => {
    const tenant = await tenantWithRoles();
    const day = 86_400_000;
    const batch = vitalRows([1, 8].map((days) => ({ at: Date.now() - days * day, path: `/day${days}` })));
    await handle.db.execute(sql`select app_store_spans(${tenant.id}::uuid, ${batch}::jsonb)`);
    // Both days compacted into cells, then the older one marked stale again by a late vital.
    await compactVitals(handle.db);
    const late = batch.replace(/"span_id":"[0-9a-f]+"/g, () => `"span_id":"${randomHex(8)}"`);
    await handle.db.execute(sql`select app_store_spans(${tenant.id}::uuid, ${late}::jsonb)`);
    await telemetry.run(handle.db, new Date());
    // The free plan keeps 7 days.
    const left = await withTenant(handle.db, tenant.id, async (tx) => ({
      events: (await tx.execute(sql`select route from rum_events`)).rows,
      rollups: (await tx.execute(sql`select route from rum_rollups`)).rows,
      daily: (await tx.execute(sql`select route from rum_rollups_daily`)).rows,
      cells: (await tx.execute(sql`select distinct route from rum_vitals_daily where route <> ''`)).rows,
      hourCells: (await tx.execute(sql`select distinct route from rum_vitals_hourly where route <> ''`)).rows,
      staleDays: (
        await tx.execute(
          sql`select count(*)::int as n from rum_vitals_stale where time < now() - interval '7 days'`,
        )
      ).rows,
    }));
    expect(left).toEqual({
      events: [{ route: "/day1" }, { route: "/day1" }],
      rollups: [{ route: "/day1" }],
      daily: [{ route: "/day1" }],
      cells: [{ route: "/day1" }],
      hourCells: [{ route: "/day1" }],
      staleDays: [{ n: 0 }],
    });
  });
  it("retention: a block that starts before the cutoff is purged, and a view reads the days after it from smaller blocks", async () => {
    const m = await member();
    const day = 86_400_000;
    // A "now" whose day six days back is odd (counted from 2000-01-01, the blocks' origin): the
    // 2-day block holding that day starts on the cutoff's day, so the purge deletes every block
    // that holds it while its own day's cells stay.
    const days = (ms: number) => Math.floor((ms - Date.UTC(2000, 0, 1)) / day);
    const now = days(Date.now() - 6 * day) % 2 === 1 ? Date.now() : Date.now() - day;
    const kept = now - 6 * day;
    const batch = vitalRows([
      { at: kept, path: "/kept" },
      { at: now - 7 * day - 3_600_000, path: "/purged" },
    ]);
    await handle.db.execute(sql`select app_store_spans(${m.tenantId}::uuid, ${batch}::jsonb)`);
    await compactVitals(handle.db);
    await telemetry.run(handle.db, new Date(now));
    const blocks = await rowsOf(
      m.tenantId,
      "select distinct days from rum_vitals_daily where route = '/kept' order by days",
    );
    expect(blocks).toEqual([{ days: 1 }]);
    const range = `?from=${new Date(now - 30 * day).toISOString()}&to=${new Date(now).toISOString()}`;
    const report = await vitalsOf(m, range);
    expect(report.overall.LCP.samples).toBe(1);
    expect(report.routes.map((entry) => entry.route)).toEqual(["/kept"]);
  });
});

/** Web-vital span rows as the queue consumer hands them to app_store_spans (an LCP of 1000 ms each). */
function vitalRows(vitals: { at: number; path: string }[]): string {
  return JSON.stringify(
    vitals.map(({ at, path }) => ({
      trace_id: randomHex(16),
      span_id: randomHex(8),
      start_time: new Date(at).toISOString(),
      duration_ns: 1,
      service_name: "web",
      name: "browser.web_vital",
      kind: 1,
      status_code: 0,
      attributes: { "url.path": path, "browser.web_vital.name": "LCP", "browser.web_vital.value": 1000 },
      resource: {},
      source: "frontend",
    })),
  );
}

describe("RUM attribution from the hour and day rollups", () => {
  const percentile = (values: number[], q: number) => {
    const sorted = [...values].sort((a, b) => a - b);
    const rank = q * (sorted.length - 1);
    const low = sorted[Math.floor(rank)];
    return low + (sorted[Math.ceil(rank)] - low) * (rank - Math.floor(rank));
  };

  it("attribution: the 10 targets with most samples per vital, each counted once however often a batch is redelivered, p75 within 2 % of the exact", async () => {
    const m = await member();
    // 12 INP targets, target i with i + 1 samples over the last two days; one LCP element on another route.
    const values = new Map<string, number[]>();
    const spans = [];
    for (let i = 0; i < 12; i++) {
      const target = `button#t${String(i).padStart(2, "0")}`;
      values.set(target, []);
      for (let k = 0; k <= i; k++) {
        const value = 80 + 37 * k + 11 * i;
        values.get(target)!.push(value);
        const agoMs = ((i * 13 + k * 7) % 47) * 3_600_000;
        spans.push(vital("/checkout", "INP", value, { "browser.web_vital.target": target }, agoMs));
      }
    }
    spans.push(vital("/", "LCP", 2300, { "browser.web_vital.target": "img.hero" }));
    const body = browserBody(spans);
    await sendBrowser(m, body);
    await sendBrowser(m, body);
    await settleIngest();
    const from = new Date(Date.now() - 2 * 86_400_000).toISOString();
    const report = await (
      await read(m, `/rum/attribution?route=/checkout&from=${from}`)
    ).json<AttributionReport>();
    expect(report.LCP).toEqual([]);
    expect(report.INP.map((row) => [row.target, row.samples])).toEqual(
      [...values]
        .slice(2)
        .reverse()
        .map(([target, samples]) => [target, samples.length]),
    );
    for (const row of report.INP) {
      const exact = percentile(values.get(row.target)!, 0.75);
      expect(Math.abs(row.p75 - exact) / exact, row.target).toBeLessThan(0.02);
      expect(row.rating).toBe(ratingOf("INP", row.p75));
    }
    // Longer than three days: read from the day rows, the same sketches merged.
    const longer = new Date(Date.now() - 4 * 86_400_000).toISOString();
    const daily = await (await read(m, `/rum/attribution?route=/checkout&from=${longer}`)).json();
    expect(daily).toEqual(report);
    const everyRoute = await (await read(m, `/rum/attribution?from=${from}`)).json<AttributionReport>();
    expect(everyRoute.LCP).toMatchObject([{ target: "img.hero", samples: 1, rating: "good" }]);
    for (const table of ["rum_targets", "rum_targets_daily"]) {
      const stored = await rowsOf(m.tenantId, `select sum(count)::int as n from ${table}`);
      expect(stored, table).toEqual([{ n: (12 * 13) / 2 + 1 }]);
    }
  });
});

describe("RUM sessions of a route from rum_sessions", () => {
  const HOUR_MS = 3_600_000;
  const visit = (route: string, agoMs: number) => [
    rumSpan("browser.page_view", { "url.path": route }, agoMs),
    vital(route, "INP", 650, {}, agoMs),
  ];
  const sessionsOf = async (m: Member, query: string) =>
    (await (await read(m, `/rum/sessions?route=/checkout&${query}`)).json<RouteSessions>()).sessions;

  it("sessions: newest first, each one's hours summed and counted once however often a batch is redelivered, and a walk the newest rows cannot fill goes further", async () => {
    const m = await member();
    const [a, b, c, other] = [
      crypto.randomUUID(),
      crypto.randomUUID(),
      crypto.randomUUID(),
      crypto.randomUUID(),
    ];
    // a: a page view and a poor INP in each of the last 9 hours, newer than any row of b or c.
    const bodies = [
      browserBody(Array.from({ length: 9 }, (_, h) => visit("/checkout", h * HOUR_MS)).flat(), {
        sessionId: a,
      }),
      browserBody(visit("/checkout", 20 * HOUR_MS), { sessionId: b }),
      browserBody(visit("/checkout", 30 * HOUR_MS), { sessionId: c }),
      browserBody(visit("/", 0), { sessionId: other }),
    ];
    for (const body of [...bodies, ...bodies]) await sendBrowser(m, body);
    await settleIngest();
    const from = new Date(Date.now() - 2 * 86_400_000).toISOString();
    const all = await sessionsOf(m, `from=${from}`);
    expect(all.map((s) => s.sessionId)).toEqual([a, b, c]);
    expect(all[0]).toMatchObject({ pageViews: 9, vitals: 9, poorVitals: 9 });
    expect(all[1]).toMatchObject({ pageViews: 1, vitals: 1, poorVitals: 1 });
    expect(Date.parse(all[0].end) - Date.parse(all[0].start)).toBeGreaterThanOrEqual(8 * HOUR_MS - 1_000);
    expect(Date.parse(all[1].end)).toBeLessThan(Date.parse(all[0].start));
    // Two sessions: the first walk (8 rows) meets only a's hours, so it walks again and finds b.
    expect(await sessionsOf(m, `from=${from}&limit=2`)).toEqual(all.slice(0, 2));
    expect((await sessionsOf(m, `from=${new Date(Date.now() - 25 * HOUR_MS).toISOString()}`)).length).toBe(2);
    expect(await rowsOf(m.tenantId, "select count(*)::int as n from rum_sessions")).toEqual([{ n: 9 + 3 }]);
  });
});

describe("RUM route patterns API", () => {
  it("owners and admins set patterns; members get 403; bad patterns 400; changes are audited", async () => {
    const tenant = await tenantWithRoles();
    const path = `/api/tenants/${tenant.id}/rum/routes`;
    expect(await (await as(tenant.users.admin, path)).json()).toEqual({ patterns: [] });
    const put = await as(tenant.users.admin, path, { method: "PUT", json: { patterns: ["/shop/:sku"] } });
    expect(put.status).toBe(200);
    const denied = await as(tenant.users.member, path, { method: "PUT", json: { patterns: [] } });
    expect(denied.status).toBe(403);
    expect((await problemOf(denied)).code).toBe("ROLE_REQUIRED");
    for (const patterns of [["no-slash"], ["/a/*/b"], ["/a?b"], "x", Array(51).fill("/a")]) {
      const bad = await as(tenant.users.owner, path, { method: "PUT", json: { patterns } });
      expect(bad.status, JSON.stringify(patterns)).toBe(400);
      expect((await problemOf(bad)).code).toBe("INVALID_REQUEST");
    }
    const unknown = await as(tenant.users.owner, path, { method: "PUT", json: { patterns: [], extra: 1 } });
    expect(unknown.status).toBe(400);
    expect(await (await as(tenant.users.owner, path)).json()).toEqual({ patterns: ["/shop/:sku"] });
    const audit = await (
      await as(tenant.users.owner, `/api/tenants/${tenant.id}/audit`)
    ).json<{ action: string; details: unknown }[]>();
    expect(audit.find((event) => event.action === "rum_routes.changed")?.details).toEqual({
      previous: [],
      patterns: ["/shop/:sku"],
    });
  });
});
