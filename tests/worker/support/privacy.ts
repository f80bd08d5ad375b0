// Privacy test fixtures, written as the Worker's runtime role inside the right RLS context: tenants
// with a plan, audit events, API tokens, invitations and telemetry at chosen times.
import { eq, inArray } from "drizzle-orm";
import type { Db } from "../../../db/client.ts";
import {
  apiTokens,
  auditEvents,
  invitations,
  memberships,
  spans,
  telemetryRetention,
  tenants,
  type Role,
} from "../../../db/schema/index.ts";
import { withTenant, type Tx } from "../../../db/tenant-scope.ts";
import { withUser } from "../../../db/user-scope.ts";

export const DAY = 24 * 3600_000;
export const daysBefore = (now: Date, days: number) => new Date(now.getTime() - days * DAY);
const randomBytes = () => crypto.getRandomValues(new Uint8Array(32));

export async function insertTenant(
  db: Db,
  input: { plan?: "free" | "pro"; retentionDays?: number; members?: [string, Role][] } = {},
): Promise<string> {
  const id = crypto.randomUUID();
  await withTenant(db, id, async (tx) => {
    await tx.insert(tenants).values({ id, name: `t-${id.slice(0, 8)}`, plan: input.plan ?? "free" });
    if (input.retentionDays)
      await tx.insert(telemetryRetention).values({ tenantId: id, days: input.retentionDays });
    for (const [userId, role] of input.members ?? []) {
      await tx.insert(memberships).values({ tenantId: id, userId, role });
    }
  });
  return id;
}

export async function insertAuditEvent(
  db: Db,
  input: { tenantId: string | null; actorUserId: string | null; at: Date; details?: Record<string, unknown> },
): Promise<number> {
  const insert = (tx: Tx) =>
    tx
      .insert(auditEvents)
      .values({
        tenantId: input.tenantId,
        actorUserId: input.actorUserId,
        occurredAt: input.at,
        action: "test.event",
        details: input.details ?? {},
      })
      .returning({ id: auditEvents.id });
  // RETURNING needs the row to be visible: in its tenant, or (account-level) to its own user.
  const [row] = input.tenantId
    ? await withTenant(db, input.tenantId, insert)
    : await withUser(db, input.actorUserId!, insert);
  return row.id;
}

/** The rows among `ids` still in the tenant's audit log. */
export async function remainingAuditEvents(db: Db, tenantId: string, ids: number[]) {
  const rows = await withTenant(db, tenantId, (tx) =>
    tx.select().from(auditEvents).where(inArray(auditEvents.id, ids)),
  );
  return rows.sort((a, b) => a.id - b.id);
}

export async function insertApiToken(
  db: Db,
  tenantId: string,
  input: { expiresAt: Date | null; createdBy?: string },
): Promise<string> {
  const [row] = await withTenant(db, tenantId, (tx) =>
    tx
      .insert(apiTokens)
      .values({
        tenantId,
        name: "t",
        type: "backend",
        tokenHash: randomBytes(),
        expiresAt: input.expiresAt,
        createdBy: input.createdBy ?? null,
      })
      .returning({ id: apiTokens.id }),
  );
  return row.id;
}

export async function tokenIdsOf(db: Db, tenantId: string): Promise<string[]> {
  const rows = await withTenant(db, tenantId, (tx) => tx.select({ id: apiTokens.id }).from(apiTokens));
  return rows.map((row) => row.id).sort();
}

export async function insertInvitation(
  db: Db,
  tenantId: string,
  input: { email: string; expiresAt: Date; invitedBy?: string },
): Promise<string> {
  const [row] = await withTenant(db, tenantId, (tx) =>
    tx
      .insert(invitations)
      .values({
        tenantId,
        email: input.email,
        role: "member",
        tokenHash: randomBytes(),
        invitedBy: input.invitedBy ?? null,
        expiresAt: input.expiresAt,
      })
      .returning({ id: invitations.id }),
  );
  return row.id;
}

export async function invitationIdsOf(db: Db, tenantId: string): Promise<string[]> {
  const rows = await withTenant(db, tenantId, (tx) => tx.select({ id: invitations.id }).from(invitations));
  return rows.map((row) => row.id).sort();
}

/** A span starting at `at`, named `name`, with extra attributes. */
export async function insertSpan(
  db: Db,
  tenantId: string,
  input: { at: Date; name: string; attributes?: Record<string, unknown> },
): Promise<void> {
  await withTenant(db, tenantId, (tx) =>
    tx.insert(spans).values({
      tenantId,
      traceId: crypto.randomUUID().replaceAll("-", ""),
      spanId: crypto.randomUUID().replaceAll("-", "").slice(0, 16),
      startTime: input.at.toISOString(),
      durationNs: 1000,
      serviceName: "test",
      name: input.name,
      kind: 1,
      statusCode: 0,
      attributes: input.attributes ?? {},
      resource: {},
      source: "frontend",
    }),
  );
}

export async function spanNamesOf(db: Db, tenantId: string): Promise<string[]> {
  const rows = await withTenant(db, tenantId, (tx) =>
    tx.select({ name: spans.name }).from(spans).where(eq(spans.tenantId, tenantId)),
  );
  return rows.map((row) => row.name).sort();
}
