// API tokens expired more than RETENTION.expiredApiTokenDays ago.
import type { RetentionJob } from "./index.ts";
import { runDatabasePurge } from "./database-purge.ts";

export const expiredApiTokens: RetentionJob = {
  name: "expired-api-tokens",
  run: (db, now) => runDatabasePurge(db, "expiredApiTokens", now, 5_000),
};
