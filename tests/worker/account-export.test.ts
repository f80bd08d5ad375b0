// GET /api/account/export (SECURITY.md F31, GDPR Art. 20): one machine-readable JSON document of
// everything stored about the caller, streamed, behind a fresh sign-in, holding nobody else's data.
import { env } from "cloudflare:workers";
import { createExecutionContext, waitOnExecutionContext } from "cloudflare:test";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createDb, useLocalRelay, type DbHandle } from "../../db/client.ts";
import { auditEvents } from "../../db/schema/index.ts";
import { withUser } from "../../db/user-scope.ts";
import worker from "../../worker/src/index.ts";
import { SITE_TENANT_ID } from "../../worker/src/tenancy/site-tenant.ts";
import { ORIGIN, problemOf } from "./helpers.ts";
import { api, randomEmail, SESSION_COOKIE, signUp, type Account } from "./support/accounts.ts";
import { markEmailVerified } from "./support/mail.ts";
import { insertInvitation, insertSpan, insertTenant } from "./support/privacy.ts";
import { as, createToken, makeSessionStale, signedInUser, type TestUser } from "./support/tenancy.ts";

let handle: DbHandle;
beforeAll(() => {
  useLocalRelay(env.DB_WS_PROXY);
  handle = createDb(env.DATABASE_URL);
});
afterAll(() => handle.pool.end());

type Export = {
  format: string;
  version: number;
  exportedAt: string;
  profile: { id: string; email: string; name: string };
  passkeys: Record<string, unknown>[];
  totpEnabled: boolean;
  unusedRecoveryCodes: number;
  sessions: { id: string }[];
  memberships: { tenantId: string; tenantName: string; role: string }[];
  invitations: { received: { id: string }[]; sent: { id: string; email: string }[] };
  apiTokens: { id: string; tenantId: string }[];
  auditEvents: { action: string; actorUserId: string | null; tenantId: string | null }[];
  telemetry: { spans: { name: string; attributes: Record<string, unknown> }[] };
};

const testUser = (account: Account): TestUser => ({ ...account.user, cookie: account.cookie });

/** The export as the Worker streams it, optionally with RUM_TENANT_ID configured. */
async function exportOf(cookie: string, rumTenantId = ""): Promise<Response> {
  const ctx = createExecutionContext();
  const request = new Request(new URL("/api/account/export", ORIGIN), {
    headers: { Cookie: `${SESSION_COOKIE}=${cookie}` },
  });
  const response = await worker.fetch(request, { ...env, RUM_TENANT_ID: rumTenantId }, ctx);
  const body = await response.text();
  await waitOnExecutionContext(ctx);
  return new Response(body, { status: response.status, headers: response.headers });
}

describe("GET /api/account/export", () => {
  it("answers 401 SESSION_REQUIRED without a session", async () => {
    const response = await api("/api/account/export");
    expect(response.status).toBe(401);
    expect((await problemOf(response)).code).toBe("SESSION_REQUIRED");
  });

  it("needs a sign-in in the last 10 minutes: 403 REAUTH_REQUIRED", async () => {
    const user = await signedInUser();
    await makeSessionStale(user);
    const response = await exportOf(user.cookie);
    expect(response.status).toBe(403);
    expect((await problemOf(response)).code).toBe("REAUTH_REQUIRED");
  });

  it("export: is one machine-readable JSON document, offered as a download", async () => {
    const account = await signUp();
    const response = await exportOf(account.cookie);
    expect(response.status).toBe(200);
    expect(response.headers.get("Content-Type")).toBe("application/json; charset=utf-8");
    expect(response.headers.get("Content-Disposition")).toMatch(
      /^attachment; filename="sightline-account-\d{4}-\d{2}-\d{2}\.json"$/,
    );
    expect(response.headers.get("Cache-Control")).toContain("no-store");
    const document = (await response.json()) as Export;
    expect(document).toMatchObject({
      format: "sightline.account-export",
      version: 1,
      profile: account.user,
      totpEnabled: false,
      unusedRecoveryCodes: 0,
      memberships: [],
      invitations: { received: [], sent: [] },
      apiTokens: [],
      telemetry: { spans: [] },
    });
    expect(document.passkeys).toHaveLength(1);
    expect(document.sessions).toHaveLength(1);
    expect(document.auditEvents.map((event) => event.action)).toEqual(
      expect.arrayContaining(["auth.signup", "auth.signin", "account.exported"]),
    );
  });

  it("export: each fresh sign-in is good for one download (single-use), two parallel downloads get one", async () => {
    const account = await signUp();
    const statuses = await Promise.all([exportOf(account.cookie), exportOf(account.cookie)]);
    expect(statuses.map((response) => response.status).sort()).toEqual([200, 403]);
    const again = await exportOf(account.cookie);
    expect(again.status).toBe(403);
    expect((await problemOf(again)).code).toBe("REAUTH_REQUIRED");
  });

  it("export: holds the requester's tenancy data and only theirs", async () => {
    const account = await signUp();
    const me = testUser(account);
    const created = await as(me, "/api/tenants", { json: { name: "Mine" } });
    const tenant = (await created.json()) as { id: string };
    const colleague = await signedInUser(undefined, { verified: true });
    const invite = await as(me, `/api/tenants/${tenant.id}/invitations`, {
      json: { email: colleague.email, role: "admin" },
    });
    expect(invite.status).toBe(201);
    const accept = await as(
      colleague,
      `/api/invitations/${((await invite.json()) as { token: string }).token}/accept`,
      {
        method: "POST",
      },
    );
    expect(accept.status, await accept.clone().text()).toBe(200);
    const pendingEmail = randomEmail();
    expect(
      (
        await as(me, `/api/tenants/${tenant.id}/invitations`, {
          json: { email: pendingEmail, role: "member" },
        })
      ).status,
    ).toBe(201);
    const mine = await createToken(tenant.id, me);
    const theirs = await createToken(tenant.id, colleague);
    const elsewhere = await insertTenant(handle.db);
    const invitationToMe = await insertInvitation(handle.db, elsewhere, {
      email: account.user.email,
      expiresAt: new Date(Date.now() + 86_400_000),
    });
    await insertInvitation(handle.db, elsewhere, {
      email: colleague.email,
      expiresAt: new Date(Date.now() + 86_400_000),
    });

    // Invitations addressed to the account are exported once its address is verified.
    await markEmailVerified(account.user.id);
    const text = await (await exportOf(account.cookie)).text();
    const document = JSON.parse(text) as Export;
    expect(document.memberships).toEqual([{ tenantId: tenant.id, tenantName: "Mine", role: "owner" }]);
    expect(document.apiTokens.map((token) => token.id)).toEqual([mine.id]);
    expect(document.invitations.received.map((invitation) => invitation.id)).toEqual([invitationToMe]);
    expect(document.invitations.sent.map((invitation) => invitation.email)).toEqual([pendingEmail]);
    expect(document.auditEvents.filter((event) => event.tenantId === tenant.id).length).toBeGreaterThan(0);
    for (const event of document.auditEvents) expect(event.actorUserId).toBe(account.user.id);
    // No secret and nobody else's token, session or invitation.
    expect(text).not.toContain(mine.token);
    expect(text).not.toContain(theirs.id);
    expect(text).not.toContain(colleague.cookie);
    expect(text).not.toContain(account.cookie);
    expect(text).not.toMatch(/token_?hash|secret|publicKey/i);
  });

  it("export: includes dashboard telemetry stamped with the requester's enduser.id, and no one else's", async () => {
    const account = await signUp();
    const other = await signedInUser();
    const rumTenant = await insertTenant(handle.db);
    await insertSpan(handle.db, rumTenant, {
      at: new Date(),
      name: "mine",
      attributes: { "enduser.id": account.user.id },
    });
    await insertSpan(handle.db, rumTenant, {
      at: new Date(),
      name: "theirs",
      attributes: { "enduser.id": other.id },
    });
    await insertSpan(handle.db, rumTenant, { at: new Date(), name: "anonymous" });
    const document = (await (await exportOf(account.cookie, rumTenant)).json()) as Export;
    expect(document.telemetry.spans.map((span) => span.name)).toEqual(["mine"]);
  });

  it("reads dashboard telemetry from the site's own RUM tenant", () => {
    expect(env.RUM_TENANT_ID).toBe(SITE_TENANT_ID);
  });

  it("export: a long audit history is streamed in pages, complete", async () => {
    const account = await signUp();
    const events = Array.from({ length: 1_234 }, (_, i) => ({
      actorUserId: account.user.id,
      action: "test.bulk",
      details: { i },
      occurredAt: new Date(Date.now() - i * 1000),
    }));
    await withUser(handle.db, account.user.id, (tx) => tx.insert(auditEvents).values(events));
    const document = (await (await exportOf(account.cookie)).json()) as Export;
    const bulk = document.auditEvents.filter((event) => event.action === "test.bulk");
    expect(bulk).toHaveLength(1_234);
  });
});
