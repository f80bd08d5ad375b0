// Reading a tenant's audit events (written with recordAuditEvent, append-only), newest first, in
// pages keyed by id (stable under concurrent inserts, unlike offsets).
import { and, desc, eq, lt } from "drizzle-orm";
import { auditEvents, users } from "../../../db/schema/index.ts";
import type { Tx } from "../../../db/tenant-scope.ts";

export async function listTenantAuditEvents(
  tx: Tx,
  tenantId: string,
  page: { before: number | null; limit: number },
) {
  return tx
    .select({
      id: auditEvents.id,
      occurredAt: auditEvents.occurredAt,
      action: auditEvents.action,
      actorUserId: auditEvents.actorUserId,
      actorEmail: users.email,
      details: auditEvents.details,
      requestId: auditEvents.requestId,
    })
    .from(auditEvents)
    .leftJoin(users, eq(users.id, auditEvents.actorUserId))
    .where(
      and(
        eq(auditEvents.tenantId, tenantId),
        page.before === null ? undefined : lt(auditEvents.id, page.before),
      ),
    )
    .orderBy(desc(auditEvents.id))
    .limit(page.limit);
}
