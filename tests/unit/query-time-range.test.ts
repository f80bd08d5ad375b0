import { describe, expect, it } from "vitest";
import { decodeCursor, encodeCursor } from "../../worker/src/query/cursor.ts";
import { parseStep, parseTimeRange } from "../../worker/src/query/time-range.ts";

const NOW = Date.parse("2026-11-23T12:00:00Z");

describe("query parameters", () => {
  it("defaults to the last 24 hours and refuses reversed or too long ranges", () => {
    expect(parseTimeRange({}, NOW)).toEqual({
      ok: true,
      value: { from: new Date(NOW - 86_400_000), to: new Date(NOW) },
    });
    expect(parseTimeRange({ from: "2026-11-23T13:00:00Z", to: "2026-11-23T12:00:00Z" }, NOW)).toMatchObject({
      ok: false,
      field: "from",
    });
    expect(parseTimeRange({ from: "2024-01-01T00:00:00Z" }, NOW)).toMatchObject({ ok: false, field: "from" });
    expect(parseTimeRange({ to: "soon" }, NOW)).toMatchObject({ ok: false, field: "to" });
  });

  it("picks a step that keeps a series to about 100 buckets, and refuses steps that would make more than 500", () => {
    const day = { from: new Date(NOW - 86_400_000), to: new Date(NOW) };
    expect(parseStep(undefined, day)).toEqual({ ok: true, value: 900 });
    expect(parseStep("60", day)).toMatchObject({ ok: false, field: "step" });
    expect(parseStep("3600", day)).toEqual({ ok: true, value: 3600 });
  });

  it("round-trips a cursor and rejects a forged one", () => {
    const cursor = { time: "2026-11-23T12:00:00.123456Z", id: "abc" };
    expect(decodeCursor(encodeCursor(cursor))).toEqual(cursor);
    expect(decodeCursor("bm90IGpzb24")).toBeNull();
    expect(decodeCursor(undefined)).toBeUndefined();
  });
});
