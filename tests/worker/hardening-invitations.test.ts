// Hardening of invitations (issue "what an attacker tries next", items 4 and 12): an owner or
// admin invitation is as sensitive as a role change, an invitation is only as good as its sender's
// current right to send it, and the page sends the token in a body rather than a URL path.
import { describe, expect, it } from "vitest";
import { problemOf } from "./helpers.ts";
import { as, makeSessionStale, signedInUser, tenantWithRoles, type TestUser } from "./support/tenancy.ts";

const invite = (tenantId: string, by: TestUser, email: string, role: string) =>
  as(by, `/api/tenants/${tenantId}/invitations`, { json: { email, role } });

async function invitationToken(tenantId: string, by: TestUser, email: string, role: string): Promise<string> {
  const response = await invite(tenantId, by, email, role);
  expect(response.status, await response.clone().text()).toBe(201);
  return ((await response.json()) as { token: string }).token;
}

const acceptInBody = (user: TestUser, token: string) =>
  as(user, "/api/invitations/accept", { json: { token } });

describe("hardening: invitations", () => {
  it("hardening: an invitation for an admin needs fresh authentication", async () => {
    const { id, users } = await tenantWithRoles();
    await makeSessionStale(users.owner);
    for (const role of ["admin", "owner"]) {
      const response = await invite(id, users.owner, `stale-${role}@example.com`, role);
      expect(response.status).toBe(403);
      expect((await problemOf(response)).code).toBe("REAUTH_REQUIRED");
    }
    // A member invitation grants nothing over the tenant: no step-up.
    expect((await invite(id, users.owner, "stale-member@example.com", "member")).status).toBe(201);
  });

  it("hardening: a pending invitation dies when its inviter is demoted", async () => {
    const { id, users } = await tenantWithRoles();
    const invitee = await signedInUser(undefined, { verified: true });
    const token = await invitationToken(id, users.admin, invitee.email, "admin");
    const demoted = await as(users.owner, `/api/tenants/${id}/members/${users.admin.id}`, {
      method: "PATCH",
      json: { role: "member" },
    });
    expect(demoted.status).toBe(200);
    const response = await acceptInBody(invitee, token);
    expect(response.status).toBe(404);
    expect((await problemOf(response)).code).toBe("INVITATION_INVALID");
    expect(await (await as(invitee, "/api/tenants")).json()).toEqual([]);
  });

  it("hardening: a pending invitation dies when its inviter is removed", async () => {
    const { id, users } = await tenantWithRoles();
    const invitee = await signedInUser(undefined, { verified: true });
    const token = await invitationToken(id, users.admin, invitee.email, "member");
    const removed = await as(users.owner, `/api/tenants/${id}/members/${users.admin.id}`, {
      method: "DELETE",
    });
    expect(removed.status).toBe(204);
    const response = await acceptInBody(invitee, token);
    expect([response.status, (await problemOf(response)).code]).toEqual([404, "INVITATION_INVALID"]);
    // Consumed by the refusal: it cannot be tried again once the inviter is back.
    expect(await (await as(invitee, "/api/tenants")).json()).toEqual([]);
  });

  it("hardening: the invitation token is accepted from the request body, so it never needs to be in a URL path", async () => {
    const { id, users } = await tenantWithRoles();
    const invitee = await signedInUser(undefined, { verified: true });
    const token = await invitationToken(id, users.admin, invitee.email, "member");
    const response = await acceptInBody(invitee, token);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ tenantId: id, role: "member" });
    const again = await acceptInBody(invitee, token);
    expect([again.status, (await problemOf(again)).code]).toEqual([404, "INVITATION_INVALID"]);
  });
});
