// The Cron Trigger entry point (`[triggers]` in wrangler.toml): a thin adapter that opens the
// database and dispatches each schedule to the module that owns its job. Nothing else lives here.
import { CONNECTION_NAMES, createWorkerDb } from "../../db/client.ts";
import type { Db } from "../../db/client.ts";
import { deliverDueEmails } from "./email/outbox.ts";
import { describeError } from "./errors.ts";
import { runRetention } from "./retention/index.ts";
import { compactVitals } from "./rollups/vitals-compaction.ts";

/**
 * Daily at 00:05 UTC: just after the day boundary, so a day past the longest retention is dropped
 * whole with its partitions and only five minutes of the day at the cutoff are deleted row by row
 * (docs/ingest.md, "Retention by plan").
 */
export const RETENTION_CRON = "5 0 * * *";
/**
 * Every five minutes: emails whose send failed are retried (docs/email.md), and the Web Vitals days
 * marked stale are compacted (docs/ingest.md, "RUM storage").
 */
export const FIVE_MINUTE_CRON = "*/5 * * * *";

type ScheduledJob = (db: Db, env: Env, now: Date) => Promise<unknown>;

const JOBS: Record<string, ScheduledJob> = {
  [RETENTION_CRON]: (db, _env, now) => runRetention(db, now),
  [FIVE_MINUTE_CRON]: async (db, env, now) => {
    // Each job on its own: a failing one is logged and must not keep the other from running.
    const jobs = await Promise.allSettled([
      deliverDueEmails(db, env, now).then((report) => ({ msg: "email retries", ...report })),
      compactVitals(db).then((rebuilt) => ({ msg: "vitals compaction", rebuilt })),
    ]);
    for (const job of jobs)
      if (job.status === "fulfilled") console.log(JSON.stringify(job.value));
      else console.error(JSON.stringify({ msg: "scheduled job failed", error: describeError(job.reason) }));
  },
};

/** The schedules this Worker has a job for: exactly wrangler.toml's `[triggers] crons`. */
export const SCHEDULES = Object.keys(JOBS);

export async function scheduled(
  controller: ScheduledController,
  env: Env,
  ctx: ExecutionContext,
): Promise<void> {
  const job = JOBS[controller.cron];
  // A schedule in wrangler.toml without a job here is a deploy mistake: say so, run nothing.
  if (!job) {
    console.error(JSON.stringify({ msg: "no job for cron", cron: controller.cron }));
    return;
  }
  const { db, pool } = createWorkerDb(env, CONNECTION_NAMES.cron);
  try {
    await job(db, env, new Date(controller.scheduledTime));
  } finally {
    ctx.waitUntil(pool.end());
  }
}
