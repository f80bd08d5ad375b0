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
    const versions = new Set([...text.matchAll(/"(2\.\d+\.\d+)"/g)].map((match) => match[1]));
    expect(versions.size).toBeLessThanOrEqual(1);
  });
});
