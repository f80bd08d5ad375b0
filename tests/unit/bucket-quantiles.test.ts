// Quantiles from explicit and exponential buckets, computed by hand.
import { describe, expect, it } from "vitest";
import {
  combineExponential,
  explicitQuantile,
  exponentialOf,
  exponentialQuantile,
} from "../../worker/src/query/bucket-quantiles.ts";

const unknown = { min: null, max: null };

describe("explicit buckets", () => {
  const histogram = { bounds: [0, 5, 10, 25, 50], counts: [0, 2, 4, 3, 1, 0] };

  it("interpolates linearly inside the bucket that holds the rank", () => {
    expect(explicitQuantile(0.5, histogram, unknown)).toBe(8.75);
    expect(explicitQuantile(0.9, histogram, unknown)).toBe(25);
    expect(explicitQuantile(0.99, histogram, unknown)).toBeCloseTo(47.5, 10);
  });

  it("answers the last bound, or the max, for ranks in the overflow bucket", () => {
    const overflow = { bounds: [10, 20], counts: [0, 1, 1] };
    expect(explicitQuantile(0.99, overflow, unknown)).toBe(20);
    expect(explicitQuantile(0.75, overflow, { min: null, max: 60 })).toBe(40);
  });

  it("answers null for an empty histogram", () => {
    expect(explicitQuantile(0.5, { bounds: [1], counts: [0, 0] }, unknown)).toBeNull();
  });
});

describe("exponential buckets", () => {
  it("orders negative, zero and positive buckets", () => {
    const histogram = exponentialOf({
      scale: 0,
      zeroCount: 1,
      positive: { offset: 0, counts: [1] },
      negative: { offset: 0, counts: [1] },
    });
    expect(exponentialQuantile(0.1, histogram, unknown)).toBeCloseTo(-2 + 0.3, 10);
    expect(exponentialQuantile(0.5, histogram, unknown)).toBe(0);
    expect(exponentialQuantile(0.9, histogram, unknown)).toBeCloseTo(1 + 0.7, 10);
  });

  it("subtracts a predecessor after downscaling it to the common scale", () => {
    const later = exponentialOf({
      scale: 0,
      zeroCount: 0,
      positive: { offset: 3, counts: [5, 2] },
      negative: { offset: 0, counts: [] },
    });
    const earlier = exponentialOf({
      scale: 1,
      zeroCount: 0,
      positive: { offset: 6, counts: [1, 1] },
      negative: { offset: 0, counts: [] },
    });
    // Scale-1 buckets 6 and 7 are both scale-0 bucket 3: 5 − 2 = 3 left there, 2 in bucket 4.
    const difference = combineExponential(later, earlier, -1);
    expect(difference.scale).toBe(0);
    expect([...difference.positive]).toEqual([
      [3, 3],
      [4, 2],
    ]);
  });
});
