// WebAuthn challenges past their 5-minute life (consumeChallenge never accepts them). Sign-in also
// sweeps them as new ones are issued; this catches the rest when nobody signs in.
import { sql } from "drizzle-orm";
import type { RetentionJob } from "./index.ts";

const CHALLENGES_PER_RUN = 5_000;

export const expiredChallenges: RetentionJob = {
  name: "expired-challenges",
  async run(db, now) {
    const result = await db.execute(sql`
      delete from webauthn_challenges where challenge in (
        select challenge from webauthn_challenges where expires_at <= ${now}
        limit ${CHALLENGES_PER_RUN} for update skip locked)`);
    return result.rowCount ?? 0;
  },
};
