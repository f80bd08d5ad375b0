// Sessions past their absolute expiry or idle timeout: they can no longer be used (see
// validateSessionToken), so keeping them only keeps user agents and timestamps around. Sessions
// are account-level (no RLS): the Worker's role deletes them itself.
import { sql } from "drizzle-orm";
import { SESSION_IDLE_MS } from "../auth/sessions.ts";
import type { RetentionJob } from "./index.ts";

const SESSIONS_PER_RUN = 5_000;

export const expiredSessions: RetentionJob = {
  name: "expired-sessions",
  async run(db, now) {
    const idleSince = new Date(now.getTime() - SESSION_IDLE_MS);
    const result = await db.execute(sql`
      delete from sessions where id in (
        select id from sessions where expires_at <= ${now} or last_seen_at <= ${idleSince}
        limit ${SESSIONS_PER_RUN} for update skip locked)`);
    return result.rowCount ?? 0;
  },
};
