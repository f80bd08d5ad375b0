// Data portability (GDPR Art. 20): everything stored about one user as one JSON document, produced
// piece by piece so that a large account never sits in the Worker's memory: the small sections are
// one query each, the unbounded ones (audit events, telemetry) are read in keyset pages. Every
// query runs in the user's own RLS context (app.user_id) or in one of their tenants', and filters
// on the user, so nothing of anyone else can appear. Schema: docs/privacy-operations.md.
import { and, asc, eq, gt, isNull, or, sql } from "drizzle-orm";
import type { Db } from "../../../db/client.ts";
import { auditEvents, invitations, sessions, spans, users } from "../../../db/schema/index.ts";
import { withTenant, type Tx } from "../../../db/tenant-scope.ts";
import { withUser } from "../../../db/user-scope.ts";
import { listPasskeys } from "../auth/passkeys.ts";
import { countUnusedRecoveryCodes } from "../auth/recovery-codes.ts";
import { signInMethodsSummary } from "../auth/users.ts";
import { emailDataOf } from "../email/account-export.ts";
import { listApiTokens } from "../tenancy/api-tokens.ts";
import { listUserTenants } from "../tenancy/tenants.ts";

export const EXPORT_FORMAT = "sightline.account-export";
export const EXPORT_VERSION = 1;
const PAGE_SIZE = 500;

type Scope = { tenantId: string | null };
type ExportInput = { userId: string; now: Date; rumTenantId: string | null };

/** Runs in the user's context, or in one of their tenants'. */
function inScope<T>(db: Db, userId: string, scope: Scope, work: (tx: Tx) => Promise<T>): Promise<T> {
  return scope.tenantId ? withTenant(db, scope.tenantId, work) : withUser(db, userId, work);
}

/** Keyset pagination: `fetch(after)` returns the page after the last row of the previous one. */
async function* pages<T>(fetch: (after: T | null) => Promise<T[]>): AsyncGenerator<T> {
  let after: T | null = null;
  for (;;) {
    const page = await fetch(after);
    yield* page;
    if (page.length < PAGE_SIZE) return;
    after = page[page.length - 1];
  }
}

async function* jsonArray(items: AsyncIterable<unknown> | Iterable<unknown>): AsyncGenerator<string> {
  let separator = "";
  yield "[";
  for await (const item of items) {
    yield separator + JSON.stringify(item);
    separator = ",";
  }
  yield "]";
}

async function profileOf(db: Db, userId: string) {
  const [profile] = await db
    .select({
      id: users.id,
      email: users.email,
      name: users.name,
      webauthnUserHandle: users.webauthnUserId,
      emailVerifiedAt: users.emailVerifiedAt,
      createdAt: users.createdAt,
    })
    .from(users)
    .where(eq(users.id, userId));
  return profile;
}

function sessionsOf(db: Db, userId: string) {
  return db
    .select({
      id: sessions.id,
      method: sessions.method,
      userAgent: sessions.userAgent,
      createdAt: sessions.createdAt,
      lastSeenAt: sessions.lastSeenAt,
      authenticatedAt: sessions.authenticatedAt,
      expiresAt: sessions.expiresAt,
    })
    .from(sessions)
    .where(eq(sessions.userId, userId))
    .orderBy(asc(sessions.createdAt));
}

const invitationColumns = {
  id: invitations.id,
  tenantId: invitations.tenantId,
  email: invitations.email,
  role: invitations.role,
  createdAt: invitations.createdAt,
  expiresAt: invitations.expiresAt,
};

/**
 * Invitations addressed to the user (any tenant; only once their address is verified, since
 * before that it may not be theirs) and those they sent (in their tenants).
 */
async function invitationsOf(
  db: Db,
  user: { id: string; email: string; emailVerifiedAt: Date | null },
  tenantIds: string[],
) {
  const received = user.emailVerifiedAt
    ? await withUser(db, user.id, (tx) =>
        tx.select(invitationColumns).from(invitations).where(eq(invitations.email, user.email)),
      )
    : [];
  const sent = [];
  for (const tenantId of tenantIds) {
    sent.push(
      ...(await withTenant(db, tenantId, (tx) =>
        tx.select(invitationColumns).from(invitations).where(eq(invitations.invitedBy, user.id)),
      )),
    );
  }
  return { received, sent };
}

/** Tokens the user created, in the tenants they belong to (metadata only: secrets are never stored). */
async function apiTokensOf(db: Db, userId: string, tenantIds: string[]) {
  const tokens = [];
  for (const tenantId of tenantIds) {
    const rows = await withTenant(db, tenantId, (tx) => listApiTokens(tx));
    tokens.push(...rows.filter((row) => row.createdBy === userId).map((row) => ({ tenantId, ...row })));
  }
  return tokens;
}

/** Audit events about the user: their account events, and tenant events they did or that name them. */
async function* auditEventsOf(db: Db, userId: string, tenantIds: string[]) {
  const scopes: Scope[] = [{ tenantId: null }, ...tenantIds.map((tenantId) => ({ tenantId }))];
  for (const scope of scopes) {
    const aboutUser = scope.tenantId
      ? and(
          eq(auditEvents.tenantId, scope.tenantId),
          or(eq(auditEvents.actorUserId, userId), sql`strpos(${auditEvents.details}::text, ${userId}) > 0`),
        )
      : and(isNull(auditEvents.tenantId), eq(auditEvents.actorUserId, userId));
    yield* pages<{ id: number }>((after) =>
      inScope(db, userId, scope, (tx) =>
        tx
          .select({
            id: auditEvents.id,
            occurredAt: auditEvents.occurredAt,
            tenantId: auditEvents.tenantId,
            actorUserId: auditEvents.actorUserId,
            action: auditEvents.action,
            details: auditEvents.details,
            requestId: auditEvents.requestId,
          })
          .from(auditEvents)
          .where(and(aboutUser, after ? gt(auditEvents.id, after.id) : undefined))
          .orderBy(asc(auditEvents.id))
          .limit(PAGE_SIZE),
      ),
    );
  }
}

/** Dashboard telemetry stamped with the user's enduser.id (the RUM SDK does so on /app pages). */
function telemetryOf(db: Db, userId: string, rumTenantId: string | null) {
  if (!rumTenantId) return [];
  type Span = { traceId: string; spanId: string; startTime: string };
  return pages<Span>((after) =>
    withTenant(db, rumTenantId, (tx) =>
      tx
        .select({
          traceId: spans.traceId,
          spanId: spans.spanId,
          parentSpanId: spans.parentSpanId,
          startTime: spans.startTime,
          durationNs: spans.durationNs,
          serviceName: spans.serviceName,
          name: spans.name,
          attributes: spans.attributes,
          events: spans.events,
        })
        .from(spans)
        .where(
          and(
            sql`(${spans.attributes}->>'enduser.id') = ${userId}`,
            after
              ? sql`(${spans.startTime}, ${spans.traceId}, ${spans.spanId}) > (${after.startTime}, decode(${after.traceId}, 'hex'), decode(${after.spanId}, 'hex'))`
              : undefined,
          ),
        )
        .orderBy(asc(spans.startTime), asc(spans.traceId), asc(spans.spanId))
        .limit(PAGE_SIZE),
    ),
  );
}

/** The export document, as a sequence of JSON text chunks. */
export async function* accountExportChunks(db: Db, input: ExportInput): AsyncGenerator<string> {
  const { userId } = input;
  const memberships = await listUserTenants(db, userId);
  const tenantIds = memberships.map((membership) => membership.id);
  const { totpEnabled } = await signInMethodsSummary(db, userId);
  const profile = await profileOf(db, userId);
  const head = {
    format: EXPORT_FORMAT,
    version: EXPORT_VERSION,
    exportedAt: input.now,
    profile,
    passkeys: await listPasskeys(db, userId),
    totpEnabled,
    unusedRecoveryCodes: await countUnusedRecoveryCodes(db, userId),
    sessions: await sessionsOf(db, userId),
    memberships: memberships.map(({ id, name, role }) => ({ tenantId: id, tenantName: name, role })),
    invitations: await invitationsOf(db, profile, tenantIds),
    apiTokens: await apiTokensOf(db, userId, tenantIds),
    email: await emailDataOf(db, userId),
  };
  // The head is an object literal: drop its closing brace and append the streamed arrays.
  yield JSON.stringify(head).slice(0, -1);
  yield ',"auditEvents":';
  yield* jsonArray(auditEventsOf(db, userId, tenantIds));
  yield ',"telemetry":{"spans":';
  yield* jsonArray(telemetryOf(db, userId, input.rumTenantId));
  yield "}}";
}
