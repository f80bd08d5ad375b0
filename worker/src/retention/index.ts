// The retention run: the job type and the ordered list of jobs (docs/privacy-operations.md), and
// the runner that executes them. The daily Cron Trigger's only job (scheduled.ts dispatches here).
import type { Db } from "../../../db/client.ts";
import { describeError } from "../errors.ts";
import { auditEvents } from "./audit-events.ts";
import { consentRecords } from "./consent-records.ts";
import { deletedAccounts } from "./deleted-accounts.ts";
import { emailRecords } from "./email-records.ts";
import { expiredApiTokens } from "./expired-api-tokens.ts";
import { expiredChallenges } from "./expired-challenges.ts";
import { expiredInvitations } from "./expired-invitations.ts";
import { expiredSessions } from "./expired-sessions.ts";
import { expiredSignInFailures } from "./expired-sign-in-failures.ts";
import { telemetry } from "./telemetry.ts";
import { telemetryPartitions } from "./telemetry-partitions.ts";

/** A retention job: idempotent, bounded per run, returns how many rows it removed. */
export type RetentionJob = { name: string; run(db: Db, now: Date): Promise<number> };

/**
 * Jobs run in order. Deleted accounts go first: purging one deletes its sole-member tenants, whose
 * telemetry the telemetry job then finds orphaned. Partitions before the per-tenant telemetry
 * purge, so rows of a day that is dropped whole are never deleted one by one.
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
