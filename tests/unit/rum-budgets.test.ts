import { resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { bundleRumSdk } from "../../rum-sdk/build.ts";
import {
  BANNER_BUDGET_BYTES,
  SDK_BUDGET_BYTES,
  bannerSizeOf,
  brotliSize,
  builtHomePage,
} from "../../rum-sdk/sizes.ts";

const ROOT = resolve(import.meta.dirname, "../..");

describe("size budgets (brotli, quality 11)", () => {
  it("keeps the inlined consent banner, its loader and its CSS within 1.5 KiB", () => {
    expect(bannerSizeOf(builtHomePage(ROOT))).toBeLessThanOrEqual(BANNER_BUDGET_BYTES);
  });

  it("keeps the whole RUM SDK within 16 KiB", async () => {
    const bundle = await bundleRumSdk();
    expect(brotliSize(bundle)).toBeLessThanOrEqual(SDK_BUDGET_BYTES);
  });

  it("ships a single OpenTelemetry release line and never zone.js", async () => {
    const text = new TextDecoder().decode(await bundleRumSdk());
    expect(text).not.toMatch(/zone\.js|Zone\.__symbol__/);
    // The SDK packages stamp their version (2.x, 3.x …); the API's own 1.x line is separate.
    const versions = new Set([...text.matchAll(/"([2-9]\.\d+\.\d+)"/g)].map((match) => match[1]));
    expect(versions.size).toBeGreaterThan(0); // a pattern that matches nothing would prove nothing
    expect(versions.size).toBeLessThanOrEqual(1);
  });
});
