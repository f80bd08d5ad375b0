// The outbox's record of sent (or given-up) emails after RETENTION.sentEmailDays, and verification
// links RETENTION.expiredVerificationDays after they expired. Pending emails are never purged:
// they fail (and so become purgeable) after their last attempt.
import { sql } from "drizzle-orm";
import type { RetentionJob } from "./index.ts";
import { DAY_MS, RETENTION } from "./policy.ts";

const ROWS_PER_RUN = 5_000;

export const emailRecords: RetentionJob = {
  name: "email-records",
  async run(db, now) {
    const sentBefore = new Date(now.getTime() - RETENTION.sentEmailDays * DAY_MS);
    const expiredBefore = new Date(now.getTime() - RETENTION.expiredVerificationDays * DAY_MS);
    const outbox = await db.execute(sql`
      delete from email_outbox where id in (
        select id from email_outbox where coalesce(sent_at, failed_at) <= ${sentBefore}
        limit ${ROWS_PER_RUN} for update skip locked)`);
    const links = await db.execute(sql`
      delete from email_verifications where id in (
        select id from email_verifications where expires_at <= ${expiredBefore}
        limit ${ROWS_PER_RUN} for update skip locked)`);
    return (outbox.rowCount ?? 0) + (links.rowCount ?? 0);
  },
};
