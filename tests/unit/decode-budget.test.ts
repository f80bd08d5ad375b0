// The JSON budget scan counts exactly what JSON.parse will build: objects and arrays outside
// strings, and the deepest nesting. Strings are skipped to their closing quote (escaped quotes and
// runs of backslashes included), so brackets inside them never count.
import { describe, expect, it } from "vitest";
import { jsonCost } from "../../worker/src/otlp/decode-budget.ts";

/** What JSON.parse made of the text: its objects and arrays, and their deepest nesting. */
function parsed(text: string): { containers: number; depth: number } {
  const walk = (value: unknown, depth: number): { containers: number; depth: number } => {
    if (typeof value !== "object" || value === null) return { containers: 0, depth: depth - 1 };
    const children = (Array.isArray(value) ? value : Object.values(value)).map((child) =>
      walk(child, depth + 1),
    );
    return {
      containers: 1 + children.reduce((sum, child) => sum + child.containers, 0),
      depth: Math.max(depth, ...children.map((child) => child.depth)),
    };
  };
  return walk(JSON.parse(text), 1);
}

const TEXTS = [
  "{}",
  "[[],[[]],{}]",
  '{"a":"[{","b":["\\"[","\\\\",{"c":"\\\\\\"{{"}],"d":"\\\\"}',
  '[{"k":"\\u005b\\\\\\\\"},"}}}]]]",[["x\\"y"]]]',
  JSON.stringify({
    resourceSpans: [{ scopeSpans: [{ spans: [{ name: 'a "[quoted]" \\ {name}', attributes: [] }] }] }],
  }),
];

describe("JSON decode budget", () => {
  it.each(TEXTS)("hardening: counts the containers and depth JSON.parse builds: %s", (text) => {
    const bytes = new TextEncoder().encode(text);
    const { containers, depth } = parsed(text);
    const cost = (maxMessages: number, maxDepth: number) => jsonCost(bytes, { maxMessages, maxDepth });
    expect(cost(containers, depth)).toEqual({ ok: true });
    expect(cost(containers - 1, depth)).toEqual({ ok: false, reason: "too-many" });
    expect(cost(containers, depth - 1)).toEqual({ ok: false, reason: "too-deep" });
  });

  it("hardening: an unterminated string ends the scan without counting what follows", () => {
    expect(jsonCost(new TextEncoder().encode('["abc\\", [[[['), { maxMessages: 1, maxDepth: 1 })).toEqual({
      ok: true,
    });
  });
});
