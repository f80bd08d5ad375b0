// The security audit log (audit_events, append-only). Shared with the tenants domain: pass
// tenantId for tenant events (inside withTenant, RLS checks it), leave it out for account events.
// Details must never hold secrets: ids, methods and reasons only.
import type { Db } from "../../../db/client.ts";
import { auditEvents } from "../../../db/schema/index.ts";
import type { Tx } from "../../../db/tenant-scope.ts";

export type AuditEvent = {
  action: string;
  actorUserId: string | null;
  requestId: string;
  tenantId?: string;
  details?: Record<string, unknown>;
};

export async function recordAuditEvent(db: Db | Tx, event: AuditEvent): Promise<void> {
  await db.insert(auditEvents).values({
    action: event.action,
    actorUserId: event.actorUserId,
    requestId: event.requestId,
    tenantId: event.tenantId ?? null,
    details: event.details ?? {},
  });
}
