// The Cron Trigger entry point (`[triggers]` in wrangler.toml): a thin adapter that opens the
// database and dispatches each schedule to the module that owns its job. Nothing else lives here.
import { createDb, useLocalRelay } from "../../db/client.ts";
import type { Db } from "../../db/client.ts";
import { deliverDueEmails } from "./email/outbox.ts";
import { runRetention } from "./retention/index.ts";

/**
 * Daily at 00:05 UTC: just after the day boundary, so a day past the longest retention is dropped
 * whole with its partitions and only five minutes of the day at the cutoff are deleted row by row
 * (docs/ingest.md, "Retention by plan").
 */
export const RETENTION_CRON = "5 0 * * *";
/** Every five minutes: emails whose send failed are retried (docs/email.md). */
export const EMAIL_RETRY_CRON = "*/5 * * * *";

type ScheduledJob = (db: Db, env: Env, now: Date) => Promise<unknown>;

const JOBS: Record<string, ScheduledJob> = {
  [RETENTION_CRON]: (db, _env, now) => runRetention(db, now),
  [EMAIL_RETRY_CRON]: async (db, env, now) =>
    console.log(JSON.stringify({ msg: "email retries", ...(await deliverDueEmails(db, env, now)) })),
};

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
  if (env.DB_WS_PROXY) useLocalRelay(env.DB_WS_PROXY);
  const { db, pool } = createDb(env.DATABASE_URL);
  try {
    await job(db, env, new Date(controller.scheduledTime));
  } finally {
    ctx.waitUntil(pool.end());
  }
}
