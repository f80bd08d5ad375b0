// The logs search with a text filter reads the newest 5,000 records of the range first and only
// then, when they hold less than a page, the older rest (worker/src/query/logs.ts): both paths
// answer the newest matches in order, and pages continue across the window's edge.
import { beforeAll, describe, expect, it } from "vitest";
import { JSON_TYPE, member, read, type Member } from "./support/query.ts";
import { postOtlp } from "./support/telemetry.ts";

const RECORDS = 5_200;
/** Record i is i ms after the base: the newest is the last. */
const base = BigInt(Date.now() - 3_600_000) * 1_000_000n;
const bodyOf = (i: number) =>
  i < 3
    ? `rare needle ${i}`
    : (RECORDS - 1 - i) % 80 === 0 && i > 4_000
      ? `common needle ${i}`
      : `served ${i}`;

let m: Member;

beforeAll(async () => {
  m = await member();
  for (let start = 0; start < RECORDS; start += 1_300) {
    const logRecords = Array.from({ length: Math.min(1_300, RECORDS - start) }, (_, k) => ({
      timeUnixNano: String(base + BigInt(start + k) * 1_000_000n),
      severityNumber: 9,
      body: { stringValue: bodyOf(start + k) },
    }));
    const body = JSON.stringify({
      resourceLogs: [
        {
          resource: { attributes: [{ key: "service.name", value: { stringValue: "api" } }] },
          scopeLogs: [{ logRecords }],
        },
      ],
    });
    expect((await postOtlp("logs", body, { token: m.backend, contentType: JSON_TYPE })).status).toBe(200);
  }
}, 60_000);

async function search(query: string): Promise<{ bodies: string[]; nextCursor: string | null }> {
  const response = await read(m, `/logs?${query}`);
  expect(response.status, query).toBe(200);
  const { logs, nextCursor } = await response.json<{ logs: { body: string }[]; nextCursor: string | null }>();
  return { bodies: logs.map((log) => log.body), nextCursor };
}

describe("logs search: the newest records first, then the rest", () => {
  it("a term only in records older than the newest 5,000 is found there, newest first", async () => {
    expect((await search("q=rare%20needle")).bodies).toEqual([
      "rare needle 2",
      "rare needle 1",
      "rare needle 0",
    ]);
  });

  it("a term the newest records hold a page of is answered from them, and the next pages continue past the window", async () => {
    const common = Array.from({ length: RECORDS }, (_, i) => bodyOf(i))
      .filter((body) => body.startsWith("common"))
      .reverse();
    expect(common.length).toBeGreaterThan(12);
    const first = await search("q=needle&limit=10");
    expect(first.bodies).toEqual(common.slice(0, 10));
    const pages = [...first.bodies];
    let cursor = first.nextCursor;
    while (cursor) {
      const next = await search(`q=needle&limit=10&cursor=${cursor}`);
      pages.push(...next.bodies);
      cursor = next.nextCursor;
    }
    const everyMatch = [...common, "rare needle 2", "rare needle 1", "rare needle 0"];
    expect(pages).toEqual(everyMatch);
    // Less than a page in the window: its matches and the older ones, in one page.
    expect(await search("q=needle")).toEqual({ bodies: everyMatch, nextCursor: null });
  });

  it("a term nothing holds answers an empty page without a cursor", async () => {
    expect(await search("q=absent")).toEqual({ bodies: [], nextCursor: null });
  });
});
