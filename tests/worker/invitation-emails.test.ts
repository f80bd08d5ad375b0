// Invitation emails, read from the simulated EMAIL binding: the invitee gets the tenant, role and
// the link (the same one the API answers with); the link works once, only for that address and
// only once it is verified; inviting answers the same whether or not the address has an account.
import { describe, expect, it } from "vitest";
import { problemOf } from "./helpers.ts";
import { api, randomEmail, signUp } from "./support/accounts.ts";
import { fragmentOf, lastMessageTo, linkIn, markEmailVerified, messagesTo } from "./support/mail.ts";
import { as, signedInUser, tenantWithRoles, type TestUser } from "./support/tenancy.ts";

type Invitation = { id: string; token: string; expiresAt: string; url: string };

async function invite(tenantId: string, by: TestUser, email: string, role = "member"): Promise<Invitation> {
  const response = await as(by, `/api/tenants/${tenantId}/invitations`, { json: { email, role } });
  expect(response.status, await response.clone().text()).toBe(201);
  return response.json();
}

const accept = (cookie: string, token: string) =>
  api(`/api/invitations/${token}/accept`, { method: "POST", cookie });

describe("invitation emails", () => {
  it("the invitee is emailed the tenant, the role and the API's own link", async () => {
    const { id, users } = await tenantWithRoles();
    const email = randomEmail();
    const invitation = await invite(id, users.admin, email, "admin");
    const message = await lastMessageTo(email, "invitation");
    expect(message.text).toContain(`Tenant ${id.slice(0, 8)}`);
    expect(message.text).toContain("as admin");
    expect(message.text).toContain(users.admin.email);
    expect(linkIn(message, "/app/invite#")).toBe(invitation.url);
    expect(message.html).toContain(`href="${invitation.url}"`);
  });

  it("inviting never reveals whether the address has an account", async () => {
    const { id, users } = await tenantWithRoles();
    const existing = await signedInUser();
    const unknown = randomEmail();
    const shapes = [];
    for (const email of [existing.email, unknown]) {
      const response = await as(users.admin, `/api/tenants/${id}/invitations`, {
        json: { email, role: "member" },
      });
      shapes.push([response.status, Object.keys(await response.json()).sort()]);
      expect(await messagesTo(email, "invitation")).toHaveLength(1);
    }
    expect(shapes[0]).toEqual(shapes[1]);
  });

  it("invitation acceptance is bound to the verified address: unverified → 403 EMAIL_NOT_VERIFIED, verified → member", async () => {
    const { id, users } = await tenantWithRoles();
    const invitee = await signUp();
    await invite(id, users.admin, invitee.user.email);
    const token = fragmentOf(linkIn(await lastMessageTo(invitee.user.email, "invitation"), "/app/invite#"));
    const unverified = await accept(invitee.cookie, token);
    expect(unverified.status).toBe(403);
    expect((await problemOf(unverified)).code).toBe("EMAIL_NOT_VERIFIED");
    const verification = await lastMessageTo(invitee.user.email, "verification");
    const verified = await api("/api/auth/email/verify", {
      json: { token: fragmentOf(linkIn(verification, "/verify-email#")) },
    });
    expect(verified.status).toBe(204);
    const accepted = await accept(invitee.cookie, token);
    expect(accepted.status).toBe(200);
    expect(await accepted.json()).toEqual({ tenantId: id, role: "member" });
    const again = await accept(invitee.cookie, token);
    expect([again.status, (await problemOf(again)).code]).toEqual([404, "INVITATION_INVALID"]);
  });

  it("the emailed link does not work for another verified address", async () => {
    const { id, users } = await tenantWithRoles();
    const invitee = await signedInUser(undefined, { verified: true });
    const intruder = await signedInUser(undefined, { verified: true });
    await invite(id, users.admin, invitee.email);
    const token = fragmentOf(linkIn(await lastMessageTo(invitee.email, "invitation"), "/app/invite#"));
    const response = await accept(intruder.cookie, token);
    expect(response.status).toBe(403);
    expect((await problemOf(response)).code).toBe("INVITATION_EMAIL_MISMATCH");
    expect((await accept(invitee.cookie, token)).status).toBe(200);
  });

  it("export: invitations to an address are in its account's export only once the address is verified", async () => {
    const { id, users } = await tenantWithRoles();
    const [unverified, verified] = [await signUp(), await signUp()];
    await markEmailVerified(verified.user.id);
    const received = [];
    for (const account of [unverified, verified]) {
      await invite(id, users.admin, account.user.email);
      const exported = await api("/api/account/export", { cookie: account.cookie });
      expect(exported.status).toBe(200);
      const document = (await exported.json()) as {
        invitations: { received: unknown[] };
        email: { messages: { kind: string }[] };
      };
      expect(document.email.messages.map((message) => message.kind)).toContain("verification");
      received.push(document.invitations.received.length);
    }
    expect(received).toEqual([0, 1]);
  });
});
