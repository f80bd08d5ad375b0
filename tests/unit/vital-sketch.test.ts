import { describe, expect, it } from "vitest";
import { bucketOf, quantileOf, sketchOf, type Sketch } from "../../worker/src/query/vital-sketch.ts";

/** Postgres's percentile_cont: linear interpolation at rank q·(n−1). */
function exactQuantile(values: number[], q: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  const rank = q * (sorted.length - 1);
  const low = Math.floor(rank);
  const high = Math.ceil(rank);
  return sorted[low] + (sorted[high] - sorted[low]) * (rank - low);
}

/** A deterministic log-normal sample (xorshift), like real vitals: long right tail. */
function logNormal(n: number, median: number, spread: number, seed: number): number[] {
  let state = seed;
  const uniform = () => {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    return ((state >>> 0) + 0.5) / 2 ** 32;
  };
  return Array.from({ length: n }, () => {
    const normal = Math.sqrt(-2 * Math.log(uniform())) * Math.cos(2 * Math.PI * uniform());
    return median * Math.exp(spread * normal);
  });
}

function merge(a: Sketch, b: Sketch): Sketch {
  const merged = { ...a };
  for (const [bucket, n] of Object.entries(b)) merged[bucket] = (merged[bucket] ?? 0) + n;
  return merged;
}

describe("vital sketch", () => {
  it("p75 is within 2 % of the exact percentile for every vital's typical distribution", () => {
    const cases: [string, number, number][] = [
      ["LCP", 2300, 0.6],
      ["FCP", 1400, 0.5],
      ["INP", 140, 0.9],
      ["TTFB", 500, 0.7],
      ["CLS", 0.05, 1.2],
    ];
    for (const [name, median, spread] of cases) {
      for (const n of [20, 1000, 50_000]) {
        const values = logNormal(n, median, spread, 7 + n);
        const exact = exactQuantile(values, 0.75);
        const estimate = quantileOf(sketchOf(values), 0.75)!;
        expect(Math.abs(estimate - exact) / exact, `${name} n=${n}`).toBeLessThanOrEqual(0.02);
      }
    }
  });

  it("merging sketches is exact: the merged sketch is the sketch of all values", () => {
    const a = logNormal(3000, 2000, 0.5, 1);
    const b = logNormal(5000, 3000, 0.4, 2);
    expect(merge(sketchOf(a), sketchOf(b))).toEqual(sketchOf([...a, ...b]));
    const exact = exactQuantile([...a, ...b], 0.75);
    const estimate = quantileOf(merge(sketchOf(a), sketchOf(b)), 0.75)!;
    expect(Math.abs(estimate - exact) / exact).toBeLessThanOrEqual(0.02);
  });

  it("zero values (CLS) have their own bucket and answer 0", () => {
    expect(bucketOf(0)).toBe("z");
    expect(quantileOf(sketchOf([0, 0, 0, 0.3]), 0.5)).toBe(0);
    expect(quantileOf(sketchOf([0, 0, 0.3, 0.3, 0.3]), 0.75)).toBeCloseTo(0.3, 2);
  });

  it("an empty sketch has no quantile", () => {
    expect(quantileOf({}, 0.75)).toBeNull();
  });
});
