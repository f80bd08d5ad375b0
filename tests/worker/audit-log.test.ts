// The audit log (SECURITY.md F29): append-only for the app role, and readable only in the right
// context: a user's own account events in that user's context, a tenant's events in that tenant's.
import { env } from "cloudflare:workers";
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createDb, useLocalRelay, type DbHandle } from "../../db/client.ts";
import { auditEvents } from "../../db/schema/index.ts";
import { withTenant } from "../../db/tenant-scope.ts";
import { withUser } from "../../db/user-scope.ts";
import { recordAuditEvent } from "../../worker/src/auth/audit.ts";
import { postgresErrorOf } from "./helpers.ts";
import { api, signUp } from "./support/accounts.ts";

let handle: DbHandle;
beforeAll(() => {
  useLocalRelay(env.DB_WS_PROXY);
  handle = createDb(env.DATABASE_URL);
});
afterAll(() => handle.pool.end());

const actionsIn = (rows: { action: string }[]) => rows.map((row) => row.action);

describe("audit log", () => {
  it("audit: sign-up, sign-in and failures are recorded with who, what, when and the request id, never secrets", async () => {
    const account = await signUp();
    await api("/api/auth/totp/signin", { json: { email: account.user.email, code: "123456" } });
    // In the order they happened (ids are assigned in order; a heap scan's order is not).
    const rows = await withUser(handle.db, account.user.id, (tx) =>
      tx.select().from(auditEvents).orderBy(auditEvents.id),
    );
    expect(actionsIn(rows)).toEqual(["auth.signup", "auth.signin", "auth.code_failed"]);
    for (const row of rows) {
      expect(row.requestId).toMatch(/^[0-9a-f-]{36}$/);
      expect(row.occurredAt.getTime()).toBeGreaterThan(Date.now() - 60_000);
      expect(JSON.stringify(row.details)).not.toContain("123456");
      expect(JSON.stringify(row.details)).not.toContain(account.cookie);
    }
  });

  it("audit: the app role cannot update or delete audit rows", async () => {
    const account = await signUp();
    await withUser(handle.db, account.user.id, async (tx) => {
      expect(await postgresErrorOf(tx.update(auditEvents).set({ action: "x" }))).toMatch(/permission denied/);
    });
    expect(
      await postgresErrorOf(
        handle.db.delete(auditEvents).where(eq(auditEvents.actorUserId, account.user.id)),
      ),
    ).toMatch(/permission denied/);
  });

  it("rls: account events are invisible without a context and to another user", async () => {
    const alice = await signUp();
    const bob = await signUp();
    expect(await handle.db.select().from(auditEvents)).toEqual([]);
    const seenByBob = await withUser(handle.db, bob.user.id, (tx) =>
      tx.select().from(auditEvents).where(eq(auditEvents.actorUserId, alice.user.id)),
    );
    expect(seenByBob).toEqual([]);
  });

  it("rls: tenant events are visible only inside that tenant, and cannot be written for another", async () => {
    const tenantA = crypto.randomUUID();
    const tenantB = crypto.randomUUID();
    const requestId = crypto.randomUUID();
    await withTenant(handle.db, tenantA, (tx) =>
      recordAuditEvent(tx, { action: "tenant.test", actorUserId: null, requestId, tenantId: tenantA }),
    );
    const inA = await withTenant(handle.db, tenantA, (tx) =>
      tx.select().from(auditEvents).where(eq(auditEvents.requestId, requestId)),
    );
    const inB = await withTenant(handle.db, tenantB, (tx) =>
      tx.select().from(auditEvents).where(eq(auditEvents.requestId, requestId)),
    );
    expect(actionsIn(inA)).toEqual(["tenant.test"]);
    expect(inB).toEqual([]);
    const forged = withTenant(handle.db, tenantB, (tx) =>
      recordAuditEvent(tx, { action: "tenant.forged", actorUserId: null, requestId, tenantId: tenantA }),
    );
    expect(await postgresErrorOf(forged)).toMatch(/violates row-level security policy/);
  });
});
