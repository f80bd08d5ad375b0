import { createDb, useLocalRelay } from "../../db/client.ts";
import type { Db } from "../../db/client.ts";

/** A retention job: idempotent, bounded per run, returns how many rows it removed. */
export type RetentionJob = { name: string; run(db: Db, now: Date): Promise<number> };

/** Jobs run in order; each one is added by the issue that owns the data it purges. */
export const retentionJobs: RetentionJob[] = [];

export async function runRetention(db: Db, now: Date, jobs = retentionJobs): Promise<Record<string, number>> {
  const report: Record<string, number> = {};
  for (const job of jobs) report[job.name] = await job.run(db, now);
  console.log(JSON.stringify({ msg: "retention run", at: now.toISOString(), report }));
  return report;
}

/** The Cron Trigger entry point (see `[triggers]` in wrangler.toml). */
export async function scheduled(
  controller: ScheduledController,
  env: Env,
  ctx: ExecutionContext,
): Promise<void> {
  if (env.DB_WS_PROXY) useLocalRelay(env.DB_WS_PROXY);
  const { db, pool } = createDb(env.DATABASE_URL);
  try {
    await runRetention(db, new Date(controller.scheduledTime));
  } finally {
    ctx.waitUntil(pool.end());
  }
}
