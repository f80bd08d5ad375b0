// Accounts whose deletion was requested more than RETENTION.deletedAccountDays ago are purged
// (personal data deleted, audit rows pseudonymised): see retention_purge_deleted_accounts.
import type { RetentionJob } from "./index.ts";
import { runDatabasePurge } from "./database-purge.ts";

/** Each account is a dozen statements (cascades, audit rewrite): a small batch per run. */
const ACCOUNTS_PER_RUN = 100;

export const deletedAccounts: RetentionJob = {
  name: "deleted-accounts",
  run: (db, now) => runDatabasePurge(db, "deletedAccounts", now, ACCOUNTS_PER_RUN),
};
