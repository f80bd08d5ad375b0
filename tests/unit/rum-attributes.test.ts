import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { RUM_ATTRIBUTES, rumAttributeNames, STORED_ATTRIBUTES } from "../../rum-sdk/src/attribute-catalog.ts";
import { enrichedAttributes } from "../../worker/src/otlp/privacy-firewall.ts";
import { ATTR } from "../../rum-sdk/src/attributes.ts";

const ROOT = resolve(import.meta.dirname, "../..");
const SDK_SOURCES = resolve(ROOT, "rum-sdk/src");

function sourcesOf(directory: string): string[] {
  return readdirSync(directory, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? sourcesOf(join(directory, entry.name)) : [join(directory, entry.name)],
  );
}

// Data the issue forbids, by its OpenTelemetry names.
const FORBIDDEN = [
  "client.address",
  "network.peer.address",
  "url.query",
  "url.full",
  "url.fragment",
  "exception.stacktrace",
  "http.request.body",
  "user.email",
  "user.full_name",
];

describe("the RUM attribute catalog (SDK, ingest allow-list and Cookie Policy share it)", () => {
  it("describes exactly the attributes the SDK can set, each with a purpose", () => {
    expect(new Set(RUM_ATTRIBUTES.map((attribute) => attribute.name))).toEqual(new Set(Object.values(ATTR)));
    expect(rumAttributeNames().size).toBe(RUM_ATTRIBUTES.length);
    for (const attribute of RUM_ATTRIBUTES) expect(attribute.purpose.length).toBeGreaterThan(10);
  });

  it("contains none of the forbidden data", () => {
    for (const name of FORBIDDEN) expect(rumAttributeNames().has(name)).toBe(false);
  });

  it("is the only place SDK code names an attribute", () => {
    const dottedName =
      /["'`]((?:session|browser|url|user|enduser|tenant|network|http|service|telemetry|user_agent)\.[a-z_.]+)["'`]/g;
    for (const file of sourcesOf(SDK_SOURCES)) {
      if (file.endsWith("attributes.ts")) continue;
      expect(
        [...readFileSync(file, "utf8").matchAll(dottedName)].map((match) => match[1]),
        file,
      ).toEqual([]);
    }
  });

  it("is what the built Cookie Policy page lists", () => {
    const page = resolve(ROOT, "site/dist/cookies/index.html");
    expect(existsSync(page), "site/dist is missing: run `npm run build` first").toBe(true);
    const table = readFileSync(page, "utf8").match(/<table id="rum-attributes"[\s\S]*?<\/table>/)?.[0] ?? "";
    const listed = [...table.matchAll(/<code>([^<]+)<\/code>/g)].map((match) => match[1]);
    expect(listed).toEqual(STORED_ATTRIBUTES.map((attribute) => attribute.name));
  });

  it("hardening: the Cookie Policy lists every attribute a browser span can store, the edge's included", () => {
    const page = readFileSync(resolve(ROOT, "site/dist/cookies/index.html"), "utf8");
    const table = page.match(/<table id="rum-attributes"[\s\S]*?<\/table>/)?.[0] ?? "";
    const listed = new Set([...table.matchAll(/<code>([^<]+)<\/code>/g)].map((match) => match[1]));
    const everything = Object.fromEntries(
      [...rumAttributeNames(), "client.address"].map((name) => [name, "x"]),
    );
    const stored = enrichedAttributes(everything, { country: "DE", colo: "FRA" });
    expect(Object.keys(stored).filter((name) => !listed.has(name))).toEqual([]);
    expect(listed).toEqual(new Set(Object.keys(stored)));
  });
});
