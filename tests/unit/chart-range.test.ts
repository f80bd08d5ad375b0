import { describe, expect, it } from "vitest";
import { RANGES, steppedQuery, steppedRange } from "../../site/src/telemetry/time-range.ts";

// A moment on no whole minute, so every alignment below is the function's doing.
const NOW = Date.parse("2026-11-23T12:34:56.789Z");
const HOUR_MS = 3600_000;

describe("a chart's stepped range", () => {
  it("starts a 7-day chart on a whole multiple of its 3-hour step, so its steps are whole hours from a whole hour", () => {
    const range = steppedRange({ from: NOW - RANGES["7d"], to: NOW });
    expect(range.step).toBe(3 * 3600);
    expect(range.from % (range.step * 1000)).toBe(0);
    expect(range.from % HOUR_MS).toBe(0);
    // Moved back by less than one step, never forward: the asked range stays covered.
    expect(NOW - RANGES["7d"] - range.from).toBeGreaterThanOrEqual(0);
    expect(NOW - RANGES["7d"] - range.from).toBeLessThan(range.step * 1000);
    expect(range.to).toBe(NOW);
  });

  it("keeps the API's default step and about 100 buckets for every range", () => {
    for (const [name, ms] of Object.entries(RANGES)) {
      const range = steppedRange({ from: NOW - ms, to: NOW });
      expect(range.from % (range.step * 1000), name).toBe(0);
      expect(Math.ceil((range.to - range.from) / (range.step * 1000)), name).toBeLessThanOrEqual(101);
    }
    expect(steppedRange({ from: NOW - RANGES["24h"], to: NOW }).step).toBe(900);
  });

  it("gives the same buckets to two refreshes a minute apart", () => {
    const first = steppedRange({ from: NOW - RANGES["7d"], to: NOW });
    const later = steppedRange({ from: NOW + 60_000 - RANGES["7d"], to: NOW + 60_000 });
    expect(later.from).toBe(first.from);
  });

  it("asks the API for that step", () => {
    const range = steppedRange({ from: NOW - RANGES["24h"], to: NOW });
    expect(steppedQuery(range)).toBe(
      `from=${new Date(range.from).toISOString()}&to=${new Date(NOW).toISOString()}&step=900`,
    );
  });
});
