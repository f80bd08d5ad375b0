// Migration 0072 rewrites every stored Web Vitals sketch from γ = 1.02 to 1.02²: the rewritten
// sketch must be the one the new rule gives the same values, in all four tables that hold them.
// The migration's statements run against the test database inside a transaction that is rolled
// back, over rows seeded as the old rule bucketed them.
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import migration from "../../migrations/0072_vital_sketch_gamma.sql?raw";
import { sketchOf, type Sketch } from "../../worker/src/query/vital-sketch.ts";
import { connect } from "./helpers.ts";

/** The sketch the store wrote before 0072: buckets of 1.02. */
function oldSketchOf(values: number[]): Sketch {
  const sketch: Sketch = {};
  for (const value of values) {
    const bucket = value < 1e-6 ? "z" : String(Math.ceil(Math.log(value) / Math.log(1.02)));
    sketch[bucket] = (sketch[bucket] ?? 0) + 1;
  }
  return sketch;
}

/** The cells' two arrays (the zero bucket is the smallest integer there) and back. */
const ZERO_ID = -2147483648;
function arraysOf(sketch: Sketch): { buckets: number[]; counts: number[] } {
  const entries = Object.entries(sketch)
    .map(([bucket, n]) => [bucket === "z" ? ZERO_ID : Number(bucket), n])
    .sort((a, b) => a[0] - b[0]);
  return { buckets: entries.map(([bucket]) => bucket), counts: entries.map(([, n]) => n) };
}
const sketchOfArrays = (buckets: number[], counts: string[]): Sketch =>
  Object.fromEntries(buckets.map((id, i) => [id === ZERO_ID ? "z" : String(id), Number(counts[i])]));

describe("migration 0072 (vital sketches at γ = 1.02²)", () => {
  it("rewrites the rollups' and cells' 1.02 sketches into the sketches 1.02² gives the same values", async () => {
    // CLS-like values around zero and one (negative bucket ids), bucket edges, and a long tail.
    const values = [
      0,
      0,
      5e-7,
      0.0004,
      0.05,
      0.05,
      0.1,
      0.25,
      0.73,
      1,
      1.02,
      1.0404,
      1.0405,
      99.5,
      1200,
      2500,
      2500.1,
      4000,
      4000,
      4001,
      59_999,
      ...Array.from({ length: 300 }, (_, i) => 800 * 1.013 ** i),
    ];
    const old = oldSketchOf(values);
    const { buckets, counts } = arraysOf(old);
    const tenant = crypto.randomUUID();
    const hour = new Date(Math.floor(Date.now() / 3_600_000) * 3_600_000).toISOString();
    const day = `${hour.slice(0, 10)}T00:00:00.000Z`;
    const owner = await connect(env.TEST_OWNER_DATABASE_URL);
    try {
      await owner.query("begin");
      await owner.query("select set_config('app.retention', 'on', true)");
      for (const [table, time] of [
        ["rum_rollups", hour],
        ["rum_rollups_daily", day],
      ])
        await owner.query(
          `insert into ${table} (tenant_id, time, route, metric, device, network, country, colo, count, good, poor, sketch)
           values ($1, $2, '/', 'LCP', 'mobile', '4g', 'DE', '', $3, 0, 0, $4)`,
          [tenant, time, values.length, JSON.stringify(old)],
        );
      for (const [table, column, time] of [
        ["rum_vitals_hourly", "hours", hour],
        ["rum_vitals_daily", "days", day],
      ])
        await owner.query(
          `insert into ${table} (tenant_id, time, ${column}, metric, route, dimension, value, count, good, poor, buckets, counts)
           values ($1, $2, 1, 'LCP', '', '', '', $3, 0, 0, $4, $5)`,
          [tenant, time, values.length, buckets, counts],
        );
      for (const statement of migration.split("--> statement-breakpoint")) await owner.query(statement);
      await owner.query("select set_config('app.retention', 'on', true)");
      const expected = sketchOf(values);
      // The fixture spans enough buckets for "half as many" to mean something.
      expect(Object.keys(old).length).toBeGreaterThan(150);
      expect(Object.keys(expected).length).toBeLessThan(Object.keys(old).length * 0.55);
      for (const table of ["rum_rollups", "rum_rollups_daily"]) {
        const { rows } = await owner.query<{ sketch: Sketch }>(
          `select sketch from ${table} where tenant_id = $1`,
          [tenant],
        );
        expect(rows.map((row) => row.sketch)).toEqual([expected]);
      }
      for (const table of ["rum_vitals_hourly", "rum_vitals_daily"]) {
        const { rows } = await owner.query<{ buckets: number[]; counts: string[] }>(
          `select buckets, counts from ${table} where tenant_id = $1`,
          [tenant],
        );
        expect(rows.map((row) => sketchOfArrays(row.buckets, row.counts))).toEqual([expected]);
        // Still in bucket order: the views merge the arrays as they are.
        expect(rows[0].buckets).toEqual([...rows[0].buckets].sort((a, b) => a - b));
      }
      // New rows are bucketed by the new rule, in Postgres as in TypeScript.
      const { rows } = await owner.query<{ bucket: string }>(
        "select rum_sketch_bucket(v) as bucket from unnest($1::float8[]) as v",
        [values],
      );
      expect(rows.map((row) => row.bucket)).toEqual(values.map((value) => Object.keys(sketchOf([value]))[0]));
    } finally {
      await owner.query("rollback");
      await owner.end();
    }
  });
});
