// Tenants: create (the creator becomes owner), list the user's own, rename, delete (cascades to
// memberships, invitations, tokens, origins). Creation picks the id first so that the whole thing
// runs inside that tenant's RLS transaction.
import { eq, sql } from "drizzle-orm";
import type { Db } from "../../../db/client.ts";
import { memberships, tenants, type Role } from "../../../db/schema/index.ts";
import { withTenant, type Tx } from "../../../db/tenant-scope.ts";
import { withUser } from "../../../db/user-scope.ts";
import { recordAuditEvent } from "../auth/audit.ts";

export type TenantSummary = { id: string; name: string; role: Role };

export async function createTenant(
  db: Db,
  input: { name: string; ownerId: string; requestId: string },
): Promise<{ id: string; name: string }> {
  const id = crypto.randomUUID();
  return withTenant(db, id, async (tx) => {
    await tx.insert(tenants).values({ id, name: input.name });
    await tx.insert(memberships).values({ tenantId: id, userId: input.ownerId, role: "owner" });
    await recordAuditEvent(tx, {
      action: "tenant.created",
      tenantId: id,
      actorUserId: input.ownerId,
      requestId: input.requestId,
      details: { name: input.name },
    });
    return { id, name: input.name };
  });
}

/** The tenants the user belongs to, oldest membership first (RLS: the user's own memberships). */
export async function listUserTenants(db: Db, userId: string): Promise<TenantSummary[]> {
  return withUser(db, userId, (tx) => userTenants(tx, userId), "statements");
}

/** listUserTenants inside a scope of that user (withUser), e.g. batched with other reads. */
export function userTenants(tx: Tx, userId: string): Promise<TenantSummary[]> {
  return tx
    .select({ id: tenants.id, name: tenants.name, role: memberships.role })
    .from(memberships)
    .innerJoin(tenants, eq(tenants.id, memberships.tenantId))
    .where(eq(memberships.userId, userId))
    .orderBy(memberships.createdAt, tenants.name);
}

export async function findTenant(tx: Tx, tenantId: string) {
  const [row] = await tx
    .select({ id: tenants.id, name: tenants.name, plan: tenants.plan, createdAt: tenants.createdAt })
    .from(tenants)
    .where(eq(tenants.id, tenantId));
  return row ?? null;
}

export async function renameTenant(tx: Tx, tenantId: string, name: string): Promise<void> {
  await tx.update(tenants).set({ name }).where(eq(tenants.id, tenantId));
}

export async function deleteTenant(tx: Tx, tenantId: string): Promise<void> {
  await tx.delete(tenants).where(eq(tenants.id, tenantId));
}

/**
 * Serialises membership changes of one tenant (row lock on the tenant), so that two concurrent
 * demotions cannot both see "another owner remains" and leave the tenant without one.
 */
export async function lockTenant(tx: Tx, tenantId: string): Promise<void> {
  await tx.execute(sql`select id from tenants where id = ${tenantId} for update`);
}
