// Failed code sign-ins (keyed by a hash of the email) count towards throttling for a day only
// (worker/src/auth/sign-in-throttle.ts); after that they serve nothing and are deleted. The table
// has no tenant and no RLS: the Worker's role deletes them itself (it may not UPDATE them, so no row
// locks up front: a concurrent run that picked the same rows waits, then finds them gone).
import { sql } from "drizzle-orm";
import { MEMORY_MS as THROTTLE_MEMORY_MS } from "../auth/sign-in-throttle.ts";
import type { RetentionJob } from "./index.ts";

const FAILURES_PER_RUN = 10_000;

export const expiredSignInFailures: RetentionJob = {
  name: "expired-sign-in-failures",
  async run(db, now) {
    const forgetBefore = new Date(now.getTime() - THROTTLE_MEMORY_MS);
    const result = await db.execute(sql`
      delete from sign_in_failures where id in (
        select id from sign_in_failures where failed_at < ${forgetBefore}
        limit ${FAILURES_PER_RUN})`);
    return result.rowCount ?? 0;
  },
};
