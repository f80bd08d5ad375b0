// Quantiles from histogram buckets, and the bucket arithmetic the metric series need (adding the
// increments of one step, subtracting a cumulative point's predecessor). Explicit buckets follow
// OTLP: bucket i holds values in (bounds[i-1], bounds[i]], the last one everything above the last
// bound. Exponential buckets: at scale s, base = 2^(2^-s) and positive bucket i holds
// (base^i, base^(i+1)]; negative buckets mirror them; the zero bucket holds 0. Within a bucket the
// quantile is interpolated linearly, then clamped to the observed min and max when they are known.
import type { ExponentialBuckets } from "../otlp/map-metrics.ts";

export type Explicit = { bounds: number[]; counts: number[] };
export type Exponential = {
  scale: number;
  zeroCount: number;
  positive: Map<number, number>;
  negative: Map<number, number>;
};
type Range = { lower: number; upper: number; count: number };
type Known = { min: number | null; max: number | null };

export function explicitQuantile(q: number, { bounds, counts }: Explicit, known: Known): number | null {
  const ranges = counts.map((count, i) => ({
    count,
    lower: i === 0 ? Math.min(known.min ?? 0, bounds[0] ?? 0) : bounds[i - 1],
    // Above the last bound nothing is known but the max; without it, the last bound is the answer.
    upper: i < bounds.length ? bounds[i] : (known.max ?? bounds[i - 1] ?? 0),
  }));
  return quantileOf(q, ranges, known);
}

export function exponentialQuantile(q: number, histogram: Exponential, known: Known): number | null {
  const base = 2 ** (2 ** -histogram.scale);
  const negative = [...histogram.negative].sort(([a], [b]) => b - a);
  const positive = [...histogram.positive].sort(([a], [b]) => a - b);
  return quantileOf(
    q,
    [
      ...negative.map(([i, count]) => ({ lower: -(base ** (i + 1)), upper: -(base ** i), count })),
      { lower: 0, upper: 0, count: histogram.zeroCount },
      ...positive.map(([i, count]) => ({ lower: base ** i, upper: base ** (i + 1), count })),
    ],
    known,
  );
}

function quantileOf(q: number, ranges: Range[], known: Known): number | null {
  const total = ranges.reduce((sum, range) => sum + range.count, 0);
  if (total <= 0) return null;
  const rank = q * total;
  let before = 0;
  for (const range of ranges) {
    if (range.count > 0 && before + range.count >= rank) {
      const value = range.lower + ((range.upper - range.lower) * (rank - before)) / range.count;
      return clamp(value, known);
    }
    before += range.count;
  }
  return clamp(ranges.findLast((range) => range.count > 0)!.upper, known);
}

function clamp(value: number, { min, max }: Known): number {
  return Math.min(Math.max(value, min ?? -Infinity), max ?? Infinity);
}

export function exponentialOf(stored: ExponentialBuckets): Exponential {
  const entries = ({ offset, counts }: { offset: number; counts: number[] }) =>
    new Map(counts.flatMap((count, k) => (count ? [[offset + k, count] as const] : [])));
  return {
    scale: stored.scale,
    zeroCount: stored.zeroCount,
    positive: entries(stored.positive),
    negative: entries(stored.negative),
  };
}

/** The same histogram at a lower (coarser) scale: bucket i becomes i >> (scale - target). */
function downscaled(histogram: Exponential, target: number): Exponential {
  const shift = histogram.scale - target;
  if (shift <= 0) return histogram;
  const merge = (buckets: Map<number, number>) => {
    const out = new Map<number, number>();
    for (const [i, count] of buckets) out.set(i >> shift, (out.get(i >> shift) ?? 0) + count);
    return out;
  };
  return {
    ...histogram,
    scale: target,
    positive: merge(histogram.positive),
    negative: merge(histogram.negative),
  };
}

/** a + sign·b at the coarser of the two scales (sign −1: a cumulative point minus its predecessor). */
export function combineExponential(a: Exponential, b: Exponential, sign: 1 | -1 = 1): Exponential {
  const scale = Math.min(a.scale, b.scale);
  const [x, y] = [downscaled(a, scale), downscaled(b, scale)];
  const add = (left: Map<number, number>, right: Map<number, number>) => {
    const out = new Map(left);
    for (const [i, count] of right) out.set(i, (out.get(i) ?? 0) + sign * count);
    return out;
  };
  return {
    scale,
    zeroCount: x.zeroCount + sign * y.zeroCount,
    positive: add(x.positive, y.positive),
    negative: add(x.negative, y.negative),
  };
}

/** a + sign·b for explicit buckets with the same bounds; null when the layouts differ. */
export function combineExplicit(a: Explicit, b: Explicit, sign: 1 | -1 = 1): Explicit | null {
  if (a.counts.length !== b.counts.length || a.bounds.some((bound, i) => bound !== b.bounds[i])) return null;
  return { bounds: a.bounds, counts: a.counts.map((count, i) => count + sign * b.counts[i]) };
}
