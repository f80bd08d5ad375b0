import { describe, expect, it } from "vitest";
import { waterfallOrder } from "../../site/src/telemetry/waterfall.ts";

const span = (spanId: string, parentSpanId: string | null, second: number) => ({
  spanId,
  parentSpanId,
  startTime: `2026-11-23T10:00:${String(second).padStart(2, "0")}.000000Z`,
});

describe("span waterfall order", () => {
  it("lists spans depth-first from the root, children by start time, with their depth", () => {
    const order = waterfallOrder([
      span("c2", "a", 5),
      span("b", "root", 1),
      span("a", "root", 2),
      span("root", null, 0),
      span("c1", "a", 3),
    ]);
    expect(order.map(({ span, depth }) => `${depth}:${span.spanId}`)).toEqual([
      "0:root",
      "1:b",
      "1:a",
      "2:c1",
      "2:c2",
    ]);
  });

  it("treats a span whose parent was never received as a root", () => {
    const order = waterfallOrder([span("child", "missing", 1), span("root", null, 0)]);
    expect(order.map(({ span, depth }) => `${depth}:${span.spanId}`)).toEqual(["0:root", "0:child"]);
  });
});
