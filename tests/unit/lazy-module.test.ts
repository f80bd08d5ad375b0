// lazyModule (worker/src/lazy-module.ts): a module is imported once and then returned as it is; a
// failed import is tried again by the next call instead of being remembered.
import { describe, expect, it } from "vitest";
import { lazyModule } from "../../worker/src/lazy-module.ts";

describe("lazyModule", () => {
  it("imports once, then returns the loaded module without another import", async () => {
    let imports = 0;
    const module = { name: "m" };
    const load = lazyModule(async () => {
      imports++;
      return module;
    });
    expect(await load()).toBe(module);
    expect(load()).toBe(module);
    expect(imports).toBe(1);
  });

  it("tries a failed import again on the next call", async () => {
    let imports = 0;
    const load = lazyModule(async () => {
      if (++imports === 1) throw new Error("chunk failed to load");
      return { name: "m" };
    });
    await expect(load()).rejects.toThrow("chunk failed to load");
    expect(await load()).toEqual({ name: "m" });
    expect(imports).toBe(2);
  });
});
