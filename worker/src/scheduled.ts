import { createDb, useLocalRelay } from "../../db/client.ts";
import type { Db } from "../../db/client.ts";
import { describeError } from "./errors.ts";
import { deliverDueEmails } from "./email/outbox.ts";
import { auditEvents } from "./retention/audit-events.ts";
import { consentRecords } from "./retention/consent-records.ts";
import { deletedAccounts } from "./retention/deleted-accounts.ts";
import { emailRecords } from "./retention/email-records.ts";
import { expiredApiTokens } from "./retention/expired-api-tokens.ts";
import { expiredChallenges } from "./retention/expired-challenges.ts";
import { expiredInvitations } from "./retention/expired-invitations.ts";
import { expiredSessions } from "./retention/expired-sessions.ts";
import { expiredSignInFailures } from "./retention/expired-sign-in-failures.ts";
import { telemetry } from "./retention/telemetry.ts";
import { telemetryPartitions } from "./retention/telemetry-partitions.ts";

/** A retention job: idempotent, bounded per run, returns how many rows it removed. */
export type RetentionJob = { name: string; run(db: Db, now: Date): Promise<number> };

/**
 * Jobs run in order (docs/privacy-operations.md). Deleted accounts go first: purging one deletes
 * its sole-member tenants, whose telemetry the telemetry job then finds orphaned.
 */
export const retentionJobs: RetentionJob[] = [
  deletedAccounts,
  expiredSessions,
  expiredChallenges,
  expiredInvitations,
  expiredSignInFailures,
  expiredApiTokens,
  emailRecords,
  auditEvents,
  consentRecords,
  telemetryPartitions,
  telemetry,
];

/**
 * Runs every job and logs what each did. A failing job is logged and reported as -1; the others
 * still run (each is idempotent, so the next run retries it).
 */
export async function runRetention(db: Db, now: Date, jobs = retentionJobs): Promise<Record<string, number>> {
  const report: Record<string, number> = {};
  for (const job of jobs) {
    const started = Date.now();
    try {
      report[job.name] = await job.run(db, now);
      console.log(
        JSON.stringify({
          msg: "retention job",
          job: job.name,
          purged: report[job.name],
          ms: Date.now() - started,
        }),
      );
    } catch (error) {
      report[job.name] = -1;
      console.error(
        JSON.stringify({ msg: "retention job failed", job: job.name, error: describeError(error) }),
      );
    }
  }
  console.log(JSON.stringify({ msg: "retention run", at: now.toISOString(), report }));
  return report;
}

/** The schedule (wrangler.toml `[triggers]`) that retries failed email sends; the other runs retention. */
export const EMAIL_RETRY_CRON = "*/5 * * * *";

/** The Cron Trigger entry point (see `[triggers]` in wrangler.toml). */
export async function scheduled(
  controller: ScheduledController,
  env: Env,
  ctx: ExecutionContext,
): Promise<void> {
  if (env.DB_WS_PROXY) useLocalRelay(env.DB_WS_PROXY);
  const { db, pool } = createDb(env.DATABASE_URL);
  const now = new Date(controller.scheduledTime);
  try {
    if (controller.cron === EMAIL_RETRY_CRON) {
      console.log(JSON.stringify({ msg: "email retries", ...(await deliverDueEmails(db, env, now)) }));
    } else await runRetention(db, now);
  } finally {
    ctx.waitUntil(pool.end());
  }
}
