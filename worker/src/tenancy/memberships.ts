// Members and roles. Who may do what to whom is decided by refusalFor (pure, table-tested); the
// last owner is protected under the tenant row lock (lockTenant).
import { and, count, eq } from "drizzle-orm";
import { memberships, users, type Role } from "../../../db/schema/index.ts";
import type { Tx } from "../../../db/tenant-scope.ts";
import { hasRoleAtLeast } from "./roles.ts";
import { lockTenant } from "./tenants.ts";
import type { Result } from "../result.ts";

export type Member = { userId: string; email: string; name: string; role: Role };
type Actor = { userId: string; role: Role };

export function listMembers(tx: Tx): Promise<Member[]> {
  return tx
    .select({ userId: memberships.userId, email: users.email, name: users.name, role: memberships.role })
    .from(memberships)
    .innerJoin(users, eq(users.id, memberships.userId))
    .orderBy(memberships.createdAt, users.email);
}

/**
 * Why the actor may not give the target the new role (or remove them, when newRole is null), or
 * null when allowed. Owners manage everyone; admins manage members and admins and grant at most
 * admin; members manage nobody but may leave.
 */
export function refusalFor(actor: Actor, target: { userId: string; role: Role }, newRole: Role | null) {
  const isSelf = actor.userId === target.userId;
  if (newRole === null && isSelf) return null;
  if (!hasRoleAtLeast(actor.role, "admin")) return "Only admins and owners manage members";
  if (actor.role === "owner") return null;
  if (target.role === "owner") return "Only owners manage owners";
  if (newRole === "owner") return "Only owners grant the owner role";
  return null;
}

export type MemberChange = Result<
  { before: Role },
  { reason: "NOT_FOUND" | "LAST_OWNER" } | { reason: "FORBIDDEN"; detail: string }
>;

async function findRole(tx: Tx, userId: string): Promise<Role | null> {
  const [row] = await tx
    .select({ role: memberships.role })
    .from(memberships)
    .where(eq(memberships.userId, userId));
  return row?.role ?? null;
}

async function isLastOwner(tx: Tx, role: Role): Promise<boolean> {
  if (role !== "owner") return false;
  const [{ owners }] = await tx
    .select({ owners: count() })
    .from(memberships)
    .where(eq(memberships.role, "owner"));
  return owners <= 1;
}

/**
 * Changes a role (newRole) or removes the membership (null), inside the tenant's transaction,
 * serialised per tenant by the tenant row lock.
 */
export async function changeMembership(
  tx: Tx,
  tenantId: string,
  actor: Actor,
  targetUserId: string,
  newRole: Role | null,
): Promise<MemberChange> {
  await lockTenant(tx, tenantId);
  // Re-read under the lock: a concurrent change may have just demoted or removed the actor.
  const actorRole = await findRole(tx, actor.userId);
  if (!actorRole) return { ok: false, reason: "FORBIDDEN", detail: "You are no longer a member" };
  const before = await findRole(tx, targetUserId);
  if (!before) return { ok: false, reason: "NOT_FOUND" };
  const refusal = refusalFor(
    { userId: actor.userId, role: actorRole },
    { userId: targetUserId, role: before },
    newRole,
  );
  if (refusal) return { ok: false, reason: "FORBIDDEN", detail: refusal };
  if (newRole !== "owner" && (await isLastOwner(tx, before))) return { ok: false, reason: "LAST_OWNER" };
  const target = and(eq(memberships.tenantId, tenantId), eq(memberships.userId, targetUserId));
  if (newRole === null) await tx.delete(memberships).where(target);
  else await tx.update(memberships).set({ role: newRole }).where(target);
  return { ok: true, before };
}
