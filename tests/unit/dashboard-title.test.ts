// hardening: dashboard RUM reports document.title (browser.page.title), so no page script may put
// customer data such as a tenant's name there: the tab title stays the page's static one.
import { readdirSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { describe, expect, it } from "vitest";

const SITE = resolve(import.meta.dirname, "../../site/src");

function sourcesOf(directory: string): string[] {
  return readdirSync(directory, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? sourcesOf(join(directory, entry.name)) : [join(directory, entry.name)],
  );
}

describe("hardening: page titles", () => {
  it("hardening: no site script sets document.title (no tenant name in RUM's page title)", () => {
    const setters = sourcesOf(SITE).filter((file) =>
      /document\.title\s*=[^=]/.test(readFileSync(file, "utf8")),
    );
    expect(setters).toEqual([]);
  });
});
