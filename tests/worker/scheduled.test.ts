// The Cron Trigger's schedules (wrangler.toml `[triggers] crons`) and the jobs worker/src/scheduled.ts
// dispatches must be the same list: a schedule without a job runs nothing, a job without its
// schedule never runs.
import { describe, expect, it } from "vitest";
import config from "../../wrangler.toml?raw";
import { SCHEDULES } from "../../worker/src/scheduled.ts";

describe("scheduled jobs", () => {
  it("every cron in wrangler.toml has a job, and every job its cron", () => {
    const triggers = config.slice(config.indexOf("[triggers]"));
    const crons = /crons\s*=\s*\[([^\]]*)\]/.exec(triggers)?.[1] ?? "";
    const declared = [...crons.matchAll(/"([^"]+)"/g)].map(([, cron]) => cron);
    expect(declared.length).toBeGreaterThan(0);
    expect([...declared].sort()).toEqual([...SCHEDULES].sort());
  });
});
