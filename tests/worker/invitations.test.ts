// Invitations: an admin invites an email with a role; the invited user accepts once; expired,
// revoked, used or someone else's invitations fail.
import { env } from "cloudflare:workers";
import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { invitations } from "../../db/schema/index.ts";
import { withTenant } from "../../db/tenant-scope.ts";
import { problemOf } from "./helpers.ts";
import { as, signedInUser, tenantWithRoles, withDb, type TestUser } from "./support/tenancy.ts";

async function invite(tenantId: string, by: TestUser, email: string, role = "member") {
  const response = await as(by, `/api/tenants/${tenantId}/invitations`, { json: { email, role } });
  expect(response.status, await response.clone().text()).toBe(201);
  return (await response.json()) as { id: string; token: string; expiresAt: string; url: string };
}

const accept = (user: TestUser, token: string) =>
  as(user, `/api/invitations/${token}/accept`, { method: "POST" });

describe("invitations", () => {
  it("an invited user accepts and becomes a member with the invited role", async () => {
    const { id, users } = await tenantWithRoles();
    const invitee = await signedInUser(undefined, { verified: true });
    const invitation = await invite(id, users.admin, invitee.email.toUpperCase(), "admin");
    expect(invitation.token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(invitation.url).toBe(`${env.APP_ORIGIN}/app/invite#${invitation.token}`);
    const expiresIn = Date.parse(invitation.expiresAt) - Date.now();
    expect(expiresIn).toBeGreaterThan(7 * 24 * 3600_000 - 60_000);
    expect(expiresIn).toBeLessThanOrEqual(7 * 24 * 3600_000);
    const accepted = await accept(invitee, invitation.token);
    expect(accepted.status).toBe(200);
    expect(await accepted.json()).toEqual({ tenantId: id, role: "admin" });
    expect(await (await as(invitee, "/api/tenants")).json()).toEqual([
      expect.objectContaining({ id, role: "admin" }),
    ]);
  });

  it("an invitation works once: a second accept fails", async () => {
    const { id, users } = await tenantWithRoles();
    const invitee = await signedInUser(undefined, { verified: true });
    const { token } = await invite(id, users.admin, invitee.email);
    expect((await accept(invitee, token)).status).toBe(200);
    const again = await accept(invitee, token);
    expect(again.status).toBe(404);
    expect((await problemOf(again)).code).toBe("INVITATION_INVALID");
  });

  it("two concurrent accepts of one invitation: exactly one succeeds", async () => {
    const { id, users } = await tenantWithRoles();
    const invitee = await signedInUser(undefined, { verified: true });
    const { token } = await invite(id, users.admin, invitee.email);
    const results = await Promise.all([accept(invitee, token), accept(invitee, token)]);
    expect(results.map((r) => r.status).filter((s) => s === 200)).toHaveLength(1);
  });

  it("an expired invitation fails", async () => {
    const { id, users } = await tenantWithRoles();
    const invitee = await signedInUser(undefined, { verified: true });
    const invitation = await invite(id, users.admin, invitee.email);
    await withDb(
      (db) =>
        withTenant(db, id, (tx) =>
          tx
            .update(invitations)
            .set({ expiresAt: new Date(Date.now() - 1000) })
            .where(eq(invitations.id, invitation.id)),
        ),
      env.TEST_OWNER_DATABASE_URL,
    );
    const response = await accept(invitee, invitation.token);
    expect(response.status).toBe(404);
    expect((await problemOf(response)).code).toBe("INVITATION_INVALID");
  });

  it("a revoked invitation fails", async () => {
    const { id, users } = await tenantWithRoles();
    const invitee = await signedInUser(undefined, { verified: true });
    const invitation = await invite(id, users.admin, invitee.email);
    const listed = (await (await as(users.admin, `/api/tenants/${id}/invitations`)).json()) as {
      id: string;
    }[];
    expect(listed.map((row) => row.id)).toContain(invitation.id);
    expect(JSON.stringify(listed)).not.toContain(invitation.token);
    expect(
      (await as(users.admin, `/api/tenants/${id}/invitations/${invitation.id}`, { method: "DELETE" })).status,
    ).toBe(204);
    expect((await accept(invitee, invitation.token)).status).toBe(404);
  });

  it("an invitation for another email cannot be accepted", async () => {
    const { id, users } = await tenantWithRoles();
    const invitee = await signedInUser(undefined, { verified: true });
    const intruder = await signedInUser(undefined, { verified: true });
    const { token } = await invite(id, users.admin, invitee.email);
    const response = await accept(intruder, token);
    expect(response.status).toBe(403);
    expect((await problemOf(response)).code).toBe("INVITATION_EMAIL_MISMATCH");
    expect((await accept(invitee, token)).status).toBe(200);
  });

  it("accepting needs a session; an unknown token is 404", async () => {
    const invitee = await signedInUser(undefined, { verified: true });
    expect((await as(null, `/api/invitations/${"A".repeat(43)}/accept`, { method: "POST" })).status).toBe(
      401,
    );
    const unknown = await accept(invitee, "A".repeat(43));
    expect(unknown.status).toBe(404);
    expect((await problemOf(unknown)).code).toBe("INVITATION_INVALID");
  });

  it("an existing member cannot accept another invitation to the same tenant", async () => {
    const { id, users } = await tenantWithRoles();
    const { token } = await invite(id, users.owner, users.member.email, "admin");
    const response = await accept(users.member, token);
    expect(response.status).toBe(409);
    expect((await problemOf(response)).code).toBe("ALREADY_MEMBER");
  });

  it("invitations validate email and role and refuse unknown fields", async () => {
    const { id, users } = await tenantWithRoles();
    for (const json of [
      { email: "not-an-email", role: "member" },
      { email: "a@example.com", role: "root" },
      { email: "a@example.com", role: "member", tenantId: crypto.randomUUID() },
    ]) {
      const response = await as(users.admin, `/api/tenants/${id}/invitations`, { json });
      expect(response.status, JSON.stringify(json)).toBe(400);
    }
  });
});
