// The tenant pages are static (site/src/pages/app/tenant/<page>.astro) and reached at
// /app/t/<tid>/<page> through site/public/_redirects: a page added without its rewrite (or a
// rewrite left behind by a removed page) is a 404 in production only, so it fails here instead.
import { readdirSync, readFileSync } from "node:fs";
import { resolve } from "node:path";
import { describe, expect, it } from "vitest";

const ROOT = resolve(import.meta.dirname, "../..");
const pages = readdirSync(resolve(ROOT, "site/src/pages/app/tenant"))
  .filter((file) => file.endsWith(".astro"))
  .map((file) => file.slice(0, -".astro".length))
  .sort();
const rewrites = readFileSync(resolve(ROOT, "site/public/_redirects"), "utf8")
  .split("\n")
  .filter((line) => line.startsWith("/app/t/"))
  .map((line) => line.split(/\s+/));

describe("tenant page rewrites", () => {
  it("every tenant page has exactly one rewrite from /app/t/:tid/…, and every rewrite has its page", () => {
    const targets = rewrites.map(([, target]) => /^\/app\/tenant\/([a-z-]+)\/$/.exec(target)?.[1]);
    expect([...targets].sort()).toEqual(pages);
  });

  it("rewrites are 200 (served in place, the URL keeps the tenant id) and name the page in the path", () => {
    for (const [source, target, status] of rewrites) {
      expect(status, source).toBe("200");
      const page = target.split("/")[3];
      // /app/t/:tid/traces/:traceId serves the single trace page.
      expect(source.replace(/s\/:traceId$/, ""), source).toBe(`/app/t/:tid/${page}`);
    }
  });
});
