// Invitations past their expiry (accepted ones are already gone: accepting consumes the row).
import type { RetentionJob } from "./index.ts";
import { runDatabasePurge } from "./database-purge.ts";

export const expiredInvitations: RetentionJob = {
  name: "expired-invitations",
  run: (db, now) => runDatabasePurge(db, "expiredInvitations", now, 5_000),
};
