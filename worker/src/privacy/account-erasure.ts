// Account erasure (GDPR Art. 17): a request disables the account at once and schedules the purge;
// the owner can restore it until then; retention_purge_deleted_accounts does the purge. One
// transaction per request, so a refused or failed request changes nothing.
//
// Tenants rule (docs/privacy-operations.md): where the user is the last owner of a tenant that has
// other members, the request is refused (409 LAST_OWNER) until ownership is transferred. Tenants
// where they are the only member are theirs alone: their API tokens and invitations are revoked at
// once, and the tenant is deleted with the account at the purge.
import { and, eq, gt, ne, sql } from "drizzle-orm";
import type { Db } from "../../../db/client.ts";
import {
  accountDeletions,
  apiTokens,
  invitations,
  memberships,
  sessions,
  tenants,
  users,
} from "../../../db/schema/index.ts";
import type { Tx } from "../../../db/tenant-scope.ts";
import { recordAuditEvent } from "../auth/audit.ts";
import { DAY_MS, RETENTION } from "../retention/policy.ts";
import type { Result } from "../result.ts";

export type TenantRef = { id: string; name: string };
export type DeletionRequest = Result<
  { purgeAfter: Date; tenantsToDelete: TenantRef[] },
  { reason: "LAST_OWNER"; tenants: TenantRef[] }
>;

const RESTORE_WINDOW_MS = RETENTION.deletedAccountDays * DAY_MS;

async function actAs(tx: Tx, setting: "app.user_id" | "app.tenant_id", id: string): Promise<void> {
  await tx.execute(sql`select set_config(${setting}, ${id}, true)`);
}

/** The tenants the user owns, split into those only they belong to and those they cannot leave. */
async function ownedTenants(tx: Tx, userId: string) {
  await actAs(tx, "app.user_id", userId);
  const owned = await tx
    .select({ id: tenants.id, name: tenants.name })
    .from(memberships)
    .innerJoin(tenants, eq(tenants.id, memberships.tenantId))
    .where(and(eq(memberships.userId, userId), eq(memberships.role, "owner")));
  const soleMember: TenantRef[] = [];
  const lastOwner: TenantRef[] = [];
  for (const tenant of owned) {
    await actAs(tx, "app.tenant_id", tenant.id);
    // Row lock on the tenant: a concurrent role change cannot slip between this check and commit.
    await tx.execute(sql`select id from tenants where id = ${tenant.id} for update`);
    const others = await tx
      .select({ role: memberships.role })
      .from(memberships)
      .where(and(eq(memberships.tenantId, tenant.id), ne(memberships.userId, userId)));
    if (others.length === 0) soleMember.push(tenant);
    else if (!others.some((other) => other.role === "owner")) lastOwner.push(tenant);
  }
  return { soleMember, lastOwner };
}

export async function requestAccountDeletion(
  db: Db,
  input: { userId: string; requestId: string; now: Date },
): Promise<DeletionRequest> {
  return db.transaction(async (tx) => {
    const { soleMember, lastOwner } = await ownedTenants(tx, input.userId);
    if (lastOwner.length > 0) return { ok: false, reason: "LAST_OWNER", tenants: lastOwner };
    for (const tenant of soleMember) {
      await actAs(tx, "app.tenant_id", tenant.id);
      const revoked = await tx
        .delete(apiTokens)
        .where(eq(apiTokens.tenantId, tenant.id))
        .returning({ id: apiTokens.id });
      await tx.delete(invitations).where(eq(invitations.tenantId, tenant.id));
      await recordAuditEvent(tx, {
        action: "account.deletion_revoked_tokens",
        tenantId: tenant.id,
        actorUserId: input.userId,
        requestId: input.requestId,
        details: { tokenIds: revoked.map((token) => token.id) },
      });
    }
    await tx
      .insert(accountDeletions)
      .values({ userId: input.userId, requestedAt: input.now })
      .onConflictDoNothing();
    await tx.update(users).set({ disabledAt: input.now }).where(eq(users.id, input.userId));
    const ended = await tx
      .delete(sessions)
      .where(eq(sessions.userId, input.userId))
      .returning({ id: sessions.id });
    const purgeAfter = new Date(input.now.getTime() + RESTORE_WINDOW_MS);
    await recordAuditEvent(tx, {
      action: "account.deletion_requested",
      actorUserId: input.userId,
      requestId: input.requestId,
      details: { purgeAfter, sessionsEnded: ended.length, tenantsToDelete: soleMember.map((t) => t.id) },
    });
    return { ok: true, purgeAfter, tenantsToDelete: soleMember };
  });
}

/** The account behind an email if its deletion is pending and still restorable, or null. */
export async function findRestorableAccount(
  db: Db,
  email: string,
  now: Date,
): Promise<{ id: string } | null> {
  const [row] = await db
    .select({ id: users.id })
    .from(users)
    .innerJoin(accountDeletions, eq(accountDeletions.userId, users.id))
    .where(
      and(
        eq(users.email, email),
        gt(accountDeletions.requestedAt, new Date(now.getTime() - RESTORE_WINDOW_MS)),
      ),
    );
  return row ?? null;
}

/**
 * Cancels a pending deletion within the window and re-enables the account; false when there is
 * nothing to restore (never deleted, disabled for another reason, or past the window). Revoked API
 * tokens stay revoked.
 */
export async function restoreAccount(
  db: Db,
  input: { userId: string; requestId: string; now: Date },
): Promise<boolean> {
  return db.transaction(async (tx) => {
    const [cancelled] = await tx
      .delete(accountDeletions)
      .where(
        and(
          eq(accountDeletions.userId, input.userId),
          gt(accountDeletions.requestedAt, new Date(input.now.getTime() - RESTORE_WINDOW_MS)),
        ),
      )
      .returning({ requestedAt: accountDeletions.requestedAt });
    if (!cancelled) return false;
    await tx.update(users).set({ disabledAt: null }).where(eq(users.id, input.userId));
    await recordAuditEvent(tx, {
      action: "account.restored",
      actorUserId: input.userId,
      requestId: input.requestId,
      details: { requestedAt: cancelled.requestedAt },
    });
    return true;
  });
}
