// The services rollup's duration sketch: a log-bucket histogram of span durations in ms, stored as
// { bucket index: count } and merged by adding counts, so minutes, services and span names combine
// exactly. Bucket i holds (γ^(i-1), γ^i] with γ = 1.1; a bucket is answered by the value whose
// relative distance to both its ends is equal, so every quantile is within (γ-1)/(γ+1) ≈ 4.8% of
// a duration actually observed in its bucket. The SQL side (migrations/0022_span_rollups.sql)
// computes the same index: ceil(ln(ms) / ln(1.1)).
export const SKETCH_GAMMA = 1.1;

export type Sketch = Map<number, number>;

export function sketchOf(stored: Record<string, number | string>): Sketch {
  return new Map(Object.entries(stored).map(([index, count]) => [Number(index), Number(count)]));
}

export function mergeSketches(sketches: Sketch[]): Sketch {
  const merged: Sketch = new Map();
  for (const sketch of sketches)
    for (const [index, count] of sketch) merged.set(index, (merged.get(index) ?? 0) + count);
  return merged;
}

export function sketchQuantile(q: number, sketch: Sketch): number | null {
  const buckets = [...sketch].filter(([, count]) => count > 0).sort(([a], [b]) => a - b);
  const total = buckets.reduce((sum, [, count]) => sum + count, 0);
  if (total === 0) return null;
  let seen = 0;
  for (const [index, count] of buckets) {
    seen += count;
    if (seen >= q * total) return (2 * SKETCH_GAMMA ** index) / (SKETCH_GAMMA + 1);
  }
  return null;
}
