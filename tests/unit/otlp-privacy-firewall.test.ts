import { describe, expect, it } from "vitest";
import { rumAttributeNames } from "../../rum-sdk/src/attribute-catalog.ts";
import {
  allowedAttributes,
  enrichedAttributes,
  withoutQuery,
} from "../../worker/src/otlp/privacy-firewall.ts";

describe("privacy firewall", () => {
  it("keeps exactly the RUM catalog's attribute names and nothing else", () => {
    const everything = Object.fromEntries([...rumAttributeNames()].map((name) => [name, "x"]));
    const kept = allowedAttributes({
      ...everything,
      "client.address": "203.0.113.9",
      "http.request.body": "card",
    });
    expect(Object.keys(kept).sort()).toEqual([...rumAttributeNames()].sort());
  });

  it("cuts query strings and fragments from paths and span names, and leaves other text alone", () => {
    expect(withoutQuery("/search?q=jane#top")).toBe("/search");
    expect(withoutQuery("GET /a?b=c")).toBe("GET /a");
    expect(allowedAttributes({ "url.path": "/a?token=x", "browser.page.title": "Why? Because" })).toEqual({
      "url.path": "/a",
      "browser.page.title": "Why? Because",
    });
  });

  it("adds the edge's country and colo, and nothing when the edge knows neither", () => {
    expect(enrichedAttributes({}, { country: "DE", colo: "FRA" })).toEqual({
      "cloud.region": "DE",
      "cloudflare.colo": "FRA",
    });
    expect(enrichedAttributes({ "cloud.region": "spoofed" }, {})).toEqual({});
  });
});
