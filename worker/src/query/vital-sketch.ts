// The Web Vitals quantile sketch (DDSketch-style log buckets) that rum_rollups stores: a value v
// > 0 falls in bucket i = ceil(ln(v) / ln(γ)), i.e. (γ^(i-1), γ^i]; values under 1e-6 (CLS is often
// exactly 0) in the zero bucket "z". Sketches are `{ bucket: count }` and merge by adding counts,
// so hours, routes and dimensions combine exactly. A quantile answers its bucket's representative
// 2γ^i / (γ + 1), within (γ - 1) / (γ + 1) ≈ 1.98 % of every value in that bucket: inside the 2 %
// the dashboards promise for p75, with half the buckets 1.02 needed (a view's work is its cells'
// buckets; migrations/0072_vital_sketch_gamma.sql). The bucket rule is computed by Postgres at
// ingest (rum_sketch_bucket); tests compare the two.
const BASE = 1.02;
const GAMMA = BASE ** 2;
export const ZERO_BUCKET = "z";
const ZERO_BELOW = 1e-6;

export type Sketch = Record<string, number>;

export function bucketOf(value: number): string {
  // ⌈⌈log_1.02 v⌉ / 2⌉ = ⌈log_γ v⌉, computed as Postgres does (and as 0072 remapped the 1.02
  // buckets): a value on a bucket's edge falls the same way in both.
  return value < ZERO_BELOW
    ? ZERO_BUCKET
    : String(Math.ceil(Math.ceil(Math.log(value) / Math.log(BASE)) / 2));
}

function representativeOf(bucket: string): number {
  return bucket === ZERO_BUCKET ? 0 : (2 * GAMMA ** Number(bucket)) / (GAMMA + 1);
}

export function sketchOf(values: readonly number[]): Sketch {
  const sketch: Sketch = {};
  for (const value of values) {
    const bucket = bucketOf(value);
    sketch[bucket] = (sketch[bucket] ?? 0) + 1;
  }
  return sketch;
}

export function countOf(sketch: Sketch): number {
  return Object.values(sketch).reduce((sum, n) => sum + n, 0);
}

/**
 * The q-quantile (0–1) as percentile_cont computes it from the values: linear interpolation
 * between the values of rank ⌊q·(n−1)⌋ and ⌈q·(n−1)⌉, each its bucket's representative. So it is
 * comparable with an exact p75 even for a handful of samples. Null when empty.
 */
export function quantileOf(sketch: Sketch, q: number): number | null {
  const buckets = Object.entries(sketch)
    .map(([bucket, n]) => ({ bucket, n, order: bucket === ZERO_BUCKET ? -Infinity : Number(bucket) }))
    .sort((a, b) => a.order - b.order);
  const total = buckets.reduce((sum, { n }) => sum + n, 0);
  if (total === 0) return null;
  const rank = q * (total - 1);
  const valueAt = (index: number): number => {
    let seen = 0;
    for (const { bucket, n } of buckets) {
      seen += n;
      if (seen > index) return representativeOf(bucket);
    }
    return representativeOf(buckets[buckets.length - 1].bucket);
  };
  const low = valueAt(Math.floor(rank));
  return low + (valueAt(Math.ceil(rank)) - low) * (rank - Math.floor(rank));
}
