// Invitations: an admin invites an email with a role; the link carries a single-use 256-bit token
// (only its SHA-256 is stored) valid for 7 days. Accepting finds the row by that hash (RLS lookup
// context), then consumes it inside the tenant's transaction: the delete that returns the row is
// what makes it single-use, even under concurrent accepts.
import { and, desc, eq } from "drizzle-orm";
import type { Db } from "../../../db/client.ts";
import { invitations, memberships, type Role } from "../../../db/schema/index.ts";
import { withSetting } from "../../../db/setting-scope.ts";
import { withTenant, type Tx } from "../../../db/tenant-scope.ts";
import { recordAuditEvent } from "../auth/audit.ts";
import { base64url, hex } from "../byte-encoding.ts";
import { isEmailVerified } from "../email/verification.ts";
import { hasRoleAtLeast } from "./roles.ts";
import { sha256 } from "./secret-hash.ts";
import type { Result } from "../result.ts";

export const INVITATION_TTL_MS = 7 * 24 * 3600_000;
const INVITATION_TOKEN_SHAPE = /^[A-Za-z0-9_-]{43}$/;

/**
 * The one place an invitation link is built: the API response and the invitation email both use
 * it. The token travels in the fragment: browsers never send it to a server or in a Referer.
 */
export function invitationLink(appOrigin: string, token: string): string {
  return `${appOrigin}/app/invite#${token}`;
}

export async function createInvitation(
  tx: Tx,
  tenantId: string,
  input: { email: string; role: Role; invitedBy: string | null; now: Date },
) {
  const token = base64url(crypto.getRandomValues(new Uint8Array(32)));
  const [row] = await tx
    .insert(invitations)
    .values({
      tenantId,
      email: input.email,
      role: input.role,
      tokenHash: await sha256(token),
      invitedBy: input.invitedBy,
      createdAt: input.now,
      expiresAt: new Date(input.now.getTime() + INVITATION_TTL_MS),
    })
    .returning({
      id: invitations.id,
      email: invitations.email,
      role: invitations.role,
      expiresAt: invitations.expiresAt,
    });
  return { ...row, token };
}

export function listInvitations(tx: Tx) {
  return tx
    .select({
      id: invitations.id,
      email: invitations.email,
      role: invitations.role,
      invitedBy: invitations.invitedBy,
      createdAt: invitations.createdAt,
      expiresAt: invitations.expiresAt,
    })
    .from(invitations)
    .orderBy(desc(invitations.createdAt));
}

export async function revokeInvitation(tx: Tx, id: string): Promise<{ email: string } | null> {
  const [row] = await tx
    .delete(invitations)
    .where(eq(invitations.id, id))
    .returning({ email: invitations.email });
  return row ?? null;
}

/** Admins invite members and admins; only owners invite owners. Checked again on acceptance. */
export function mayInvite(inviterRole: Role | null, role: Role): boolean {
  if (inviterRole === null || !hasRoleAtLeast(inviterRole, "admin")) return false;
  return role !== "owner" || inviterRole === "owner";
}

export type Acceptance = Result<
  { tenantId: string; role: Role },
  { reason: "INVALID" | "EXPIRED" | "EMAIL_MISMATCH" | "ALREADY_MEMBER" | "EMAIL_NOT_VERIFIED" }
>;

/**
 * The signed-in user accepts: their email must be the invited one, and proven (verified), else
 * whoever registered an address first could take the invitations sent to it.
 */
export async function acceptInvitation(
  db: Db,
  token: string,
  user: { id: string; email: string },
  context: { now: Date; requestId: string },
): Promise<Acceptance> {
  if (!INVITATION_TOKEN_SHAPE.test(token)) return { ok: false, reason: "INVALID" };
  if (!(await isEmailVerified(db, user.id))) return { ok: false, reason: "EMAIL_NOT_VERIFIED" };
  const hash = await sha256(token);
  const [found] = await withSetting(db, "app.lookup_hash", hex(hash), (tx) =>
    tx
      .select({
        id: invitations.id,
        tenantId: invitations.tenantId,
        email: invitations.email,
        invitedBy: invitations.invitedBy,
        expiresAt: invitations.expiresAt,
      })
      .from(invitations)
      .where(eq(invitations.tokenHash, hash)),
  );
  if (!found) return { ok: false, reason: "INVALID" };
  if (found.expiresAt <= context.now) return { ok: false, reason: "EXPIRED" };
  if (found.email !== user.email.toLowerCase()) return { ok: false, reason: "EMAIL_MISMATCH" };
  return withTenant(db, found.tenantId, async (tx): Promise<Acceptance> => {
    const [existing] = await tx
      .select({ role: memberships.role })
      .from(memberships)
      .where(eq(memberships.userId, user.id));
    if (existing) return { ok: false, reason: "ALREADY_MEMBER" };
    const [consumed] = await tx
      .delete(invitations)
      .where(and(eq(invitations.id, found.id), eq(invitations.tokenHash, hash)))
      .returning({ role: invitations.role });
    if (!consumed) return { ok: false, reason: "INVALID" };
    // An invitation is only as good as its sender's right to send it now: one whose inviter was
    // removed, demoted or deleted dies here (consumed above, so it cannot be tried again).
    const inviterRole = found.invitedBy ? await roleOf(tx, found.invitedBy) : null;
    if (!mayInvite(inviterRole, consumed.role)) return { ok: false, reason: "INVALID" };
    await tx.insert(memberships).values({ tenantId: found.tenantId, userId: user.id, role: consumed.role });
    await recordAuditEvent(tx, {
      action: "invitation.accepted",
      tenantId: found.tenantId,
      actorUserId: user.id,
      requestId: context.requestId,
      details: { invitationId: found.id, role: consumed.role },
    });
    return { ok: true, tenantId: found.tenantId, role: consumed.role };
  });
}

async function roleOf(tx: Tx, userId: string): Promise<Role | null> {
  const [row] = await tx
    .select({ role: memberships.role })
    .from(memberships)
    .where(eq(memberships.userId, userId));
  return row?.role ?? null;
}
