// Retention jobs (SECURITY.md F30, docs/privacy-operations.md), with an injected clock at every edge.
// `now` is captured when the test starts and the rows are placed relative to it; running a job with
// an earlier `now` replays the past (the database clamps `now` to its own clock, never beyond).
import { env } from "cloudflare:workers";
import { createExecutionContext, waitOnExecutionContext } from "cloudflare:test";
import { eq, inArray } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createDb, useLocalRelay, type DbHandle } from "../../db/client.ts";
import {
  accountDeletions,
  auditEvents as auditEventsTable,
  memberships,
  sessions,
  signInFailures,
  telemetryRetention,
  tenants,
  users,
  webauthnChallenges,
} from "../../db/schema/index.ts";
import { withTenant } from "../../db/tenant-scope.ts";
import { withUser } from "../../db/user-scope.ts";
import { RETENTION } from "../../worker/src/retention/policy.ts";
import { auditEvents } from "../../worker/src/retention/audit-events.ts";
import { runDatabasePurge } from "../../worker/src/retention/database-purge.ts";
import { deletedAccounts } from "../../worker/src/retention/deleted-accounts.ts";
import { expiredApiTokens } from "../../worker/src/retention/expired-api-tokens.ts";
import { expiredChallenges } from "../../worker/src/retention/expired-challenges.ts";
import { expiredInvitations } from "../../worker/src/retention/expired-invitations.ts";
import { expiredSessions } from "../../worker/src/retention/expired-sessions.ts";
import { expiredSignInFailures } from "../../worker/src/retention/expired-sign-in-failures.ts";
import { telemetry } from "../../worker/src/retention/telemetry.ts";
import worker from "../../worker/src/index.ts";
import { runRetention } from "../../worker/src/retention/index.ts";
import { RETENTION_CRON } from "../../worker/src/scheduled.ts";
import { randomEmail } from "./support/accounts.ts";
import {
  DAY,
  daysBefore,
  insertApiToken,
  insertAuditEvent,
  insertInvitation,
  insertSpan,
  insertTenant,
  invitationIdsOf,
  remainingAuditEvents,
  spanNamesOf,
  tokenIdsOf,
} from "./support/privacy.ts";

let handle: DbHandle;
let db: DbHandle["db"];
beforeAll(() => {
  useLocalRelay(env.DB_WS_PROXY);
  handle = createDb(env.DATABASE_URL);
  db = handle.db;
});
afterAll(() => handle.pool.end());

async function insertUser(): Promise<{ id: string; email: string }> {
  const email = randomEmail();
  const [user] = await db
    .insert(users)
    .values({ email, name: "Erin", webauthnUserId: crypto.randomUUID() })
    .returning({ id: users.id });
  return { id: user.id, email };
}

/** An account whose deletion was requested `days` days before `now`. */
async function deletedUser(now: Date, days: number) {
  const user = await insertUser();
  const requestedAt = daysBefore(now, days);
  await db.update(users).set({ disabledAt: requestedAt }).where(eq(users.id, user.id));
  await db.insert(accountDeletions).values({ userId: user.id, requestedAt });
  return user;
}

async function userExists(id: string): Promise<boolean> {
  return (await db.select({ id: users.id }).from(users).where(eq(users.id, id))).length > 0;
}

describe("retention policy", () => {
  it("states the windows the Privacy Policy promises", () => {
    expect(RETENTION).toEqual({
      deletedAccountDays: 30,
      expiredApiTokenDays: 90,
      sentEmailDays: 30,
      expiredVerificationDays: 7,
      auditEventDays: 365,
      consentRecordDays: 395,
      telemetry: { freeDays: 7, paidDefaultDays: 30, paidMinDays: 30, paidMaxDays: 365 },
    });
  });
});

describe("deleted accounts", () => {
  it("retention: a soft-deleted account is kept at day 29 and purged at day 31", async () => {
    const now = new Date();
    const day29 = await deletedUser(now, RETENTION.deletedAccountDays - 1);
    const day31 = await deletedUser(now, RETENTION.deletedAccountDays + 1);
    await deletedAccounts.run(db, daysBefore(now, 2));
    expect(await userExists(day31.id)).toBe(true);
    await deletedAccounts.run(db, now);
    expect(await userExists(day29.id)).toBe(true);
    expect(await userExists(day31.id)).toBe(false);
  });

  it("retention: a purged account's audit entries are kept with the actor pseudonymised", async () => {
    const now = new Date();
    const erased = await deletedUser(now, 31);
    const colleague = await insertUser();
    const shared = await insertTenant(db, {
      members: [
        [erased.id, "admin"],
        [colleague.id, "owner"],
      ],
    });
    const own = await insertTenant(db, { members: [[erased.id, "owner"]] });
    const ids = [
      await insertAuditEvent(db, {
        tenantId: shared,
        actorUserId: erased.id,
        at: now,
        details: { sessionId: "s" },
      }),
      await insertAuditEvent(db, { tenantId: shared, actorUserId: erased.id, at: now }),
      await insertAuditEvent(db, {
        tenantId: shared,
        actorUserId: colleague.id,
        at: now,
        details: { userId: erased.id, email: erased.email },
      }),
    ];
    await deletedAccounts.run(db, now);

    const rows = await remainingAuditEvents(db, shared, ids);
    expect(rows).toHaveLength(3);
    const pseudonym = rows[0].actorUserId!;
    expect(pseudonym).toMatch(/^[0-9a-f-]{36}$/);
    expect(pseudonym).not.toBe(erased.id);
    expect(rows[1].actorUserId).toBe(pseudonym);
    expect(rows[2].actorUserId).toBe(colleague.id);
    expect(rows[2].details).toEqual({ userId: pseudonym, email: "erased" });
    expect(JSON.stringify(rows)).not.toContain(erased.id);
    expect(JSON.stringify(rows)).not.toContain(erased.email);
    // The tenant only they belonged to is gone; the shared one stays, without them.
    expect(await withTenant(db, own, (tx) => tx.select().from(tenants))).toEqual([]);
    const members = await withTenant(db, shared, (tx) =>
      tx.select({ userId: memberships.userId }).from(memberships),
    );
    expect(members).toEqual([{ userId: colleague.id }]);
  });

  it("retention: a purge deletes invitations to them and dashboard telemetry that names them, nobody else's", async () => {
    const now = new Date();
    const erased = await deletedUser(now, 31);
    const stays = await insertUser();
    const tenant = await insertTenant(db);
    const expiresAt = new Date(now.getTime() + DAY);
    await insertInvitation(db, tenant, { email: erased.email, expiresAt });
    const kept = await insertInvitation(db, tenant, { email: stays.email, expiresAt });
    await insertSpan(db, tenant, { at: now, name: "erased", attributes: { "enduser.id": erased.id } });
    await insertSpan(db, tenant, { at: now, name: "stays", attributes: { "enduser.id": stays.id } });
    await deletedAccounts.run(db, now);
    expect(await invitationIdsOf(db, tenant)).toEqual([kept]);
    expect(await spanNamesOf(db, tenant)).toEqual(["stays"]);
  });
});

describe("expired API tokens", () => {
  it("retention: an expired token is kept at expiry + 89 days and purged at expiry + 91 days", async () => {
    const now = new Date();
    const tenant = await insertTenant(db);
    const at89 = await insertApiToken(db, tenant, {
      expiresAt: daysBefore(now, RETENTION.expiredApiTokenDays - 1),
    });
    const at91 = await insertApiToken(db, tenant, {
      expiresAt: daysBefore(now, RETENTION.expiredApiTokenDays + 1),
    });
    const live = await insertApiToken(db, tenant, { expiresAt: null });
    await expiredApiTokens.run(db, daysBefore(now, 2));
    expect(await tokenIdsOf(db, tenant)).toEqual([at89, at91, live].sort());
    await expiredApiTokens.run(db, now);
    expect(await tokenIdsOf(db, tenant)).toEqual([at89, live].sort());
  });
});

describe("audit log", () => {
  it("retention: an audit entry is kept at 364 days and purged at 366 days", async () => {
    const now = new Date();
    const tenant = await insertTenant(db);
    const at364 = await insertAuditEvent(db, {
      tenantId: tenant,
      actorUserId: null,
      at: daysBefore(now, 364),
    });
    const at366 = await insertAuditEvent(db, {
      tenantId: tenant,
      actorUserId: null,
      at: daysBefore(now, 366),
    });
    await auditEvents.run(db, daysBefore(now, 2));
    expect((await remainingAuditEvents(db, tenant, [at364, at366])).map((row) => row.id)).toEqual([
      at364,
      at366,
    ]);
    await auditEvents.run(db, now);
    expect((await remainingAuditEvents(db, tenant, [at364, at366])).map((row) => row.id)).toEqual([at364]);
  });

  it("retention: account-level audit entries expire too", async () => {
    const now = new Date();
    const user = await insertUser();
    await insertAuditEvent(db, { tenantId: null, actorUserId: user.id, at: daysBefore(now, 366) });
    await auditEvents.run(db, now);
    expect(await withUser(db, user.id, (tx) => tx.select().from(auditEventsTable))).toEqual([]);
  });
});

describe("sessions, challenges and invitations", () => {
  it("retention: expired and idle sessions are removed, live ones kept", async () => {
    const now = new Date();
    const user = await insertUser();
    const session = (createdAt: Date, lastSeenAt: Date, expiresAt: Date) => ({
      tokenHash: crypto.getRandomValues(new Uint8Array(32)),
      userId: user.id,
      method: "passkey",
      createdAt,
      lastSeenAt,
      authenticatedAt: createdAt,
      expiresAt,
    });
    const rows = await db
      .insert(sessions)
      .values([
        session(daysBefore(now, 1), now, new Date(now.getTime() + DAY)),
        session(daysBefore(now, 31), daysBefore(now, 1), new Date(now.getTime() - 1000)),
        session(daysBefore(now, 8), daysBefore(now, 7.01), new Date(now.getTime() + DAY)),
      ])
      .returning({ id: sessions.id });
    await expiredSessions.run(db, now);
    const left = await db.select({ id: sessions.id }).from(sessions).where(eq(sessions.userId, user.id));
    expect(left).toEqual([rows[0]]);
  });

  it("retention: expired WebAuthn challenges are removed, live ones kept", async () => {
    const now = new Date();
    const [expired, live] = [crypto.randomUUID(), crypto.randomUUID()];
    await db.insert(webauthnChallenges).values([
      { challenge: expired, ceremony: "signin", expiresAt: new Date(now.getTime() - 1000) },
      { challenge: live, ceremony: "signin", expiresAt: new Date(now.getTime() + 60_000) },
    ]);
    await expiredChallenges.run(db, now);
    const left = await db
      .select({ challenge: webauthnChallenges.challenge })
      .from(webauthnChallenges)
      .where(inArray(webauthnChallenges.challenge, [expired, live]));
    expect(left).toEqual([{ challenge: live }]);
  });

  it("retention: failed code sign-ins are forgotten after a day", async () => {
    const now = new Date();
    const accountKey = crypto.getRandomValues(new Uint8Array(32));
    await db.insert(signInFailures).values([
      { accountKey, failedAt: new Date(now.getTime() - DAY - 60_000) },
      { accountKey, failedAt: new Date(now.getTime() - DAY + 60_000) },
    ]);
    await expiredSignInFailures.run(db, now);
    const left = await db
      .select({ failedAt: signInFailures.failedAt })
      .from(signInFailures)
      .where(eq(signInFailures.accountKey, accountKey));
    expect(left).toEqual([{ failedAt: new Date(now.getTime() - DAY + 60_000) }]);
  });

  it("retention: expired invitations are removed, pending ones kept", async () => {
    const now = new Date();
    const tenant = await insertTenant(db);
    await insertInvitation(db, tenant, { email: randomEmail(), expiresAt: new Date(now.getTime() - 1000) });
    const pending = await insertInvitation(db, tenant, {
      email: randomEmail(),
      expiresAt: new Date(now.getTime() + DAY),
    });
    await expiredInvitations.run(db, now);
    expect(await invitationIdsOf(db, tenant)).toEqual([pending]);
  });
});

describe("telemetry", () => {
  it("retention: telemetry is kept 7 days on the free plan", async () => {
    const now = new Date();
    const tenant = await insertTenant(db, { plan: "free" });
    await insertSpan(db, tenant, { at: daysBefore(now, RETENTION.telemetry.freeDays - 1), name: "day6" });
    await insertSpan(db, tenant, { at: daysBefore(now, RETENTION.telemetry.freeDays + 1), name: "day8" });
    await telemetry.run(db, now);
    expect(await spanNamesOf(db, tenant)).toEqual(["day6"]);
  });

  it("retention: a paid tenant keeps 30 days by default, or what it configured", async () => {
    const now = new Date();
    const byDefault = await insertTenant(db, { plan: "pro" });
    const configured = await insertTenant(db, { plan: "pro", retentionDays: 90 });
    for (const [tenant, days] of [
      [byDefault, RETENTION.telemetry.paidDefaultDays],
      [configured, 90],
    ] as const) {
      await insertSpan(db, tenant, { at: daysBefore(now, days - 1), name: "inside" });
      await insertSpan(db, tenant, { at: daysBefore(now, days + 1), name: "outside" });
    }
    await telemetry.run(db, now);
    expect(await spanNamesOf(db, byDefault)).toEqual(["inside"]);
    expect(await spanNamesOf(db, configured)).toEqual(["inside"]);
  });

  it("retention: a paid tenant can configure 30 to 365 days, nothing else", async () => {
    const tenant = await insertTenant(db, { plan: "pro" });
    for (const days of [RETENTION.telemetry.paidMinDays - 1, RETENTION.telemetry.paidMaxDays + 1]) {
      await expect(
        withTenant(db, tenant, (tx) => tx.insert(telemetryRetention).values({ tenantId: tenant, days })),
      ).rejects.toThrow();
    }
  });

  it("retention: telemetry of a tenant that no longer exists is purged", async () => {
    const now = new Date();
    const gone = crypto.randomUUID();
    await insertSpan(db, gone, { at: new Date(now.getTime() - 60_000), name: "orphan" });
    await telemetry.run(db, now);
    expect(await spanNamesOf(db, gone)).toEqual([]);
  });
});

describe("running the jobs", () => {
  it("retention: two runs in parallel reach the same end state without errors", async () => {
    const now = new Date();
    const tenant = await insertTenant(db);
    const keptToken = await insertApiToken(db, tenant, { expiresAt: daysBefore(now, 10) });
    for (let i = 0; i < 5; i++) {
      await insertApiToken(db, tenant, { expiresAt: daysBefore(now, 100 + i) });
      await insertAuditEvent(db, { tenantId: tenant, actorUserId: null, at: daysBefore(now, 400 + i) });
      await insertSpan(db, tenant, { at: daysBefore(now, 10 + i), name: `old-${i}` });
    }
    await insertSpan(db, tenant, { at: now, name: "new" });
    const erased = await Promise.all([deletedUser(now, 40), deletedUser(now, 41)]);
    const second = createDb(env.DATABASE_URL);
    try {
      const reports = await Promise.all([runRetention(db, now), runRetention(second.db, now)]);
      for (const report of reports) expect(Object.values(report).every((count) => count >= 0)).toBe(true);
    } finally {
      await second.pool.end();
    }
    expect(await tokenIdsOf(db, tenant)).toEqual([keptToken]);
    expect(await spanNamesOf(db, tenant)).toEqual(["new"]);
    for (const user of erased) expect(await userExists(user.id)).toBe(false);
    // And once more: nothing left to do for these rows, no error.
    const again = await runRetention(db, now);
    expect(Object.values(again).every((count) => count >= 0)).toBe(true);
    expect(await tokenIdsOf(db, tenant)).toEqual([keptToken]);
  });

  it("retention: a run purges at most its batch", async () => {
    const now = new Date();
    const tenant = await insertTenant(db);
    for (let i = 0; i < 3; i++)
      await insertAuditEvent(db, { tenantId: tenant, actorUserId: null, at: daysBefore(now, 500) });
    expect(await runDatabasePurge(db, "auditEvents", now, 1)).toBe(1);
  });

  it("retention: the Cron Trigger's scheduled handler runs the jobs", async () => {
    const challenge = crypto.randomUUID();
    await db
      .insert(webauthnChallenges)
      .values({ challenge, ceremony: "signin", expiresAt: new Date(Date.now() - 1000) });
    const ctx = createExecutionContext();
    const controller = { scheduledTime: Date.now(), cron: RETENTION_CRON, noRetry() {} };
    await worker.scheduled(controller, env, ctx);
    await waitOnExecutionContext(ctx);
    const left = await db
      .select()
      .from(webauthnChallenges)
      .where(eq(webauthnChallenges.challenge, challenge));
    expect(left).toEqual([]);
  });

  it("retention: a failing job is logged and the others still run", async () => {
    const report = await runRetention(db, new Date(), [
      { name: "broken", run: () => Promise.reject(new Error("boom")) },
      { name: "fine", run: async () => 3 },
    ]);
    expect(report).toEqual({ broken: -1, fine: 3 });
  });
});
