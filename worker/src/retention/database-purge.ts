// Runs one of the database's retention purge functions (migrations/*_privacy_rls.sql): the only way
// the Worker's RLS-bound role can delete across tenants or pseudonymise audit rows. Each call is
// one bounded batch and returns how many rows (or accounts) it purged.
import { sql } from "drizzle-orm";
import type { Db } from "../../../db/client.ts";

const FUNCTIONS = {
  deletedAccounts: sql`retention_purge_deleted_accounts`,
  expiredApiTokens: sql`retention_purge_expired_api_tokens`,
  auditEvents: sql`retention_purge_audit_events`,
  expiredInvitations: sql`retention_purge_expired_invitations`,
  telemetry: sql`retention_purge_telemetry`,
  consentRecords: sql`retention_purge_consent_records`,
};

export type DatabasePurge = keyof typeof FUNCTIONS;

export async function runDatabasePurge(
  db: Db,
  purge: DatabasePurge,
  now: Date,
  limit: number,
): Promise<number> {
  const result = await db.execute<{ purged: number }>(
    sql`select ${FUNCTIONS[purge]}(${now.toISOString()}::timestamptz, ${limit}::integer) as purged`,
  );
  return Number(result.rows[0].purged);
}
