import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { call } from "./helpers.ts";

describe("response headers", () => {
  it("marks every API response no-store, nosniff, no-referrer, and unframeable", async () => {
    for (const path of ["/api/health", "/api/missing"]) {
      const response = await call(path);
      expect(response.headers.get("Cache-Control")).toBe("no-store");
      expect(response.headers.get("X-Content-Type-Options")).toBe("nosniff");
      expect(response.headers.get("Referrer-Policy")).toBe("no-referrer");
      expect(response.headers.get("Content-Security-Policy")).toContain("default-src 'none'");
      expect(response.headers.get("X-Frame-Options")).toBe("DENY");
    }
  });

  it("sends HSTS only when the app is served over https", async () => {
    expect((await call("/api/health")).headers.get("Strict-Transport-Security")).toBeNull();
  });
});

describe("static site", () => {
  it("serves the Astro home page at / from the assets binding", async () => {
    const response = await env.ASSETS.fetch("http://localhost:8787/");
    expect(response.status).toBe(200);
    expect(response.headers.get("Content-Type")).toContain("text/html");
    expect(await response.text()).toMatch(/<h1>[^<]*Sightline/);
  });
});
