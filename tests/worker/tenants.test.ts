// Tenants and members through the API: creation, listing, renaming, deletion, role changes, the
// last-owner rule and mass-assignment refusals.
import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { auditEvents } from "../../db/schema/index.ts";
import { withUser } from "../../db/user-scope.ts";
import { problemOf } from "./helpers.ts";
import { as, makeSessionStale, signedInUser, tenantWithRoles, withDb } from "./support/tenancy.ts";

describe("tenants", () => {
  it("a signed-in user creates a tenant, becomes its owner and sees it in their list", async () => {
    const user = await signedInUser();
    const created = await as(user, "/api/tenants", { json: { name: "  Acme  " } });
    expect(created.status).toBe(201);
    const tenant = (await created.json()) as { id: string; name: string };
    expect(tenant.name).toBe("Acme");
    const list = await as(user, "/api/tenants");
    expect(await list.json()).toEqual([{ id: tenant.id, name: "Acme", role: "owner" }]);
    const members = await (await as(user, `/api/tenants/${tenant.id}/members`)).json();
    expect(members).toEqual([
      { userId: user.id, email: user.email, name: user.email.split("@")[0], role: "owner" },
    ]);
  });

  it("creating a tenant needs a session", async () => {
    const response = await as(null, "/api/tenants", { json: { name: "x" } });
    expect(response.status).toBe(401);
    expect((await problemOf(response)).code).toBe("SESSION_REQUIRED");
  });

  it("a tenant name is required and unknown fields are refused, not ignored", async () => {
    const user = await signedInUser();
    for (const json of [
      {},
      { name: "" },
      { name: "x".repeat(101) },
      { name: "ok", plan: "pro" },
      { name: "ok", id: crypto.randomUUID() },
    ]) {
      const response = await as(user, "/api/tenants", { json });
      expect(response.status, JSON.stringify(json)).toBe(400);
      expect((await problemOf(response)).code).toBe("INVALID_REQUEST");
    }
  });

  it("the list shows only the caller's tenants with their own role in each", async () => {
    const tenant = await tenantWithRoles();
    const other = await tenantWithRoles();
    const list = (await (await as(tenant.users.admin, "/api/tenants")).json()) as {
      id: string;
      role: string;
    }[];
    expect(list.map((row) => [row.id, row.role])).toEqual([[tenant.id, "admin"]]);
    expect(list.some((row) => row.id === other.id)).toBe(false);
  });

  it("members read the tenant and its member list", async () => {
    const { id, users } = await tenantWithRoles();
    const tenant = await as(users.member, `/api/tenants/${id}`);
    expect(tenant.status).toBe(200);
    expect(await tenant.json()).toMatchObject({ id, role: "member" });
    const members = (await (await as(users.member, `/api/tenants/${id}/members`)).json()) as {
      role: string;
    }[];
    expect(members.map((m) => m.role).sort()).toEqual(["admin", "member", "member", "owner"]);
  });

  it("an owner renames the tenant; an admin cannot", async () => {
    const { id, users } = await tenantWithRoles();
    expect(
      (await as(users.admin, `/api/tenants/${id}`, { method: "PATCH", json: { name: "New" } })).status,
    ).toBe(403);
    const renamed = await as(users.owner, `/api/tenants/${id}`, { method: "PATCH", json: { name: "New" } });
    expect(renamed.status).toBe(200);
    expect(await (await as(users.member, `/api/tenants/${id}`)).json()).toMatchObject({ name: "New" });
  });

  it("deleting a tenant needs the owner with a fresh authentication and removes it for everyone", async () => {
    const { id, users } = await tenantWithRoles();
    await makeSessionStale(users.owner);
    const stale = await as(users.owner, `/api/tenants/${id}`, { method: "DELETE" });
    expect(stale.status).toBe(403);
    expect((await problemOf(stale)).code).toBe("REAUTH_REQUIRED");
    const other = await tenantWithRoles();
    expect((await as(other.users.owner, `/api/tenants/${other.id}`, { method: "DELETE" })).status).toBe(204);
    const gone = await as(other.users.member, `/api/tenants/${other.id}/members`);
    expect(gone.status).toBe(404);
    expect(await (await as(other.users.member, "/api/tenants")).json()).toEqual([]);
    const trail = await withDb((db) =>
      withUser(db, other.users.owner.id, (tx) =>
        tx.select().from(auditEvents).where(eq(auditEvents.action, "tenant.deleted")),
      ),
    );
    expect(trail).toEqual([
      expect.objectContaining({ tenantId: null, details: expect.objectContaining({ tenantId: other.id }) }),
    ]);
  });
});

describe("members and roles", () => {
  it("an owner promotes a member to admin, and the new role applies on the very next request", async () => {
    const { id, users } = await tenantWithRoles();
    expect((await as(users.member, `/api/tenants/${id}/tokens`)).status).toBe(403);
    const promoted = await as(users.owner, `/api/tenants/${id}/members/${users.member.id}`, {
      method: "PATCH",
      json: { role: "admin" },
    });
    expect(promoted.status).toBe(200);
    expect(await promoted.json()).toEqual({ userId: users.member.id, role: "admin" });
    expect((await as(users.member, `/api/tenants/${id}/tokens`)).status).toBe(200);
  });

  it("a demotion applies on the very next request", async () => {
    const { id, users } = await tenantWithRoles();
    expect((await as(users.admin, `/api/tenants/${id}/tokens`)).status).toBe(200);
    const demoted = await as(users.owner, `/api/tenants/${id}/members/${users.admin.id}`, {
      method: "PATCH",
      json: { role: "member" },
    });
    expect(demoted.status).toBe(200);
    const next = await as(users.admin, `/api/tenants/${id}/tokens`);
    expect(next.status).toBe(403);
    expect((await problemOf(next)).code).toBe("ROLE_REQUIRED");
  });

  it('an admin sending PATCH {"role":"owner"} is refused with 403', async () => {
    const { id, users } = await tenantWithRoles();
    for (const target of [users.member, users.admin]) {
      const response = await as(users.admin, `/api/tenants/${id}/members/${target.id}`, {
        method: "PATCH",
        json: { role: "owner" },
      });
      expect(response.status).toBe(403);
      expect((await problemOf(response)).code).toBe("ROLE_REQUIRED");
    }
    const members = (await (await as(users.owner, `/api/tenants/${id}/members`)).json()) as {
      role: string;
    }[];
    expect(members.filter((m) => m.role === "owner")).toHaveLength(1);
  });

  it("an admin cannot demote or remove an owner", async () => {
    const { id, users } = await tenantWithRoles();
    const path = `/api/tenants/${id}/members/${users.owner.id}`;
    expect((await as(users.admin, path, { method: "PATCH", json: { role: "member" } })).status).toBe(403);
    expect((await as(users.admin, path, { method: "DELETE" })).status).toBe(403);
  });

  it("a role change with unknown fields or an unknown role is refused with 400", async () => {
    const { id, users } = await tenantWithRoles();
    const path = `/api/tenants/${id}/members/${users.member.id}`;
    for (const json of [
      { role: "admin", tenantId: crypto.randomUUID() },
      { role: "superuser" },
      { role: "admin", userId: users.owner.id },
      {},
    ]) {
      const response = await as(users.owner, path, { method: "PATCH", json });
      expect(response.status, JSON.stringify(json)).toBe(400);
      expect((await problemOf(response)).code).toBe("INVALID_REQUEST");
    }
  });

  it("changing a role needs a fresh authentication", async () => {
    const { id, users } = await tenantWithRoles();
    await makeSessionStale(users.owner);
    const response = await as(users.owner, `/api/tenants/${id}/members/${users.member.id}`, {
      method: "PATCH",
      json: { role: "admin" },
    });
    expect(response.status).toBe(403);
    expect((await problemOf(response)).code).toBe("REAUTH_REQUIRED");
  });

  it("the last owner can be neither demoted nor removed, nor leave (409 LAST_OWNER)", async () => {
    const { id, users } = await tenantWithRoles();
    const path = `/api/tenants/${id}/members/${users.owner.id}`;
    const demote = await as(users.owner, path, { method: "PATCH", json: { role: "admin" } });
    expect(demote.status).toBe(409);
    expect((await problemOf(demote)).code).toBe("LAST_OWNER");
    const leave = await as(users.owner, path, { method: "DELETE" });
    expect(leave.status).toBe(409);
    expect((await problemOf(leave)).code).toBe("LAST_OWNER");
  });

  it("with a second owner, an owner may step down", async () => {
    const { id, users } = await tenantWithRoles();
    const promote = await as(users.owner, `/api/tenants/${id}/members/${users.admin.id}`, {
      method: "PATCH",
      json: { role: "owner" },
    });
    expect(promote.status).toBe(200);
    const stepDown = await as(users.owner, `/api/tenants/${id}/members/${users.owner.id}`, {
      method: "PATCH",
      json: { role: "member" },
    });
    expect(stepDown.status).toBe(200);
  });

  it("two owners demoting each other at the same time never leave the tenant without an owner", async () => {
    const { id, users } = await tenantWithRoles();
    await as(users.owner, `/api/tenants/${id}/members/${users.admin.id}`, {
      method: "PATCH",
      json: { role: "owner" },
    });
    const [a, b] = await Promise.all([
      as(users.owner, `/api/tenants/${id}/members/${users.admin.id}`, {
        method: "PATCH",
        json: { role: "member" },
      }),
      as(users.admin, `/api/tenants/${id}/members/${users.owner.id}`, {
        method: "PATCH",
        json: { role: "member" },
      }),
    ]);
    // The loser is refused either as the last owner (409) or, when it was demoted first, as a
    // member who may no longer change roles (403).
    expect([a.status, b.status].filter((status) => status === 200)).toHaveLength(1);
    expect([a.status, b.status].filter((status) => status === 403 || status === 409)).toHaveLength(1);
    const members = (await (await as(users.member, `/api/tenants/${id}/members`)).json()) as {
      role: string;
    }[];
    expect(members.filter((m) => m.role === "owner")).toHaveLength(1);
  });

  it("a member may leave; the member list no longer has them and their access ends", async () => {
    const { id, users } = await tenantWithRoles();
    expect(
      (await as(users.member, `/api/tenants/${id}/members/${users.member.id}`, { method: "DELETE" })).status,
    ).toBe(204);
    expect((await as(users.member, `/api/tenants/${id}/members`)).status).toBe(404);
  });

  it("a member cannot remove someone else; an admin removes a member", async () => {
    const { id, users } = await tenantWithRoles();
    expect(
      (await as(users.member, `/api/tenants/${id}/members/${users.admin.id}`, { method: "DELETE" })).status,
    ).toBe(403);
    expect(
      (await as(users.admin, `/api/tenants/${id}/members/${users.member.id}`, { method: "DELETE" })).status,
    ).toBe(204);
  });

  it("a user who is not a member answers 404 MEMBER_NOT_FOUND as a target", async () => {
    const { id, users } = await tenantWithRoles();
    const stranger = await signedInUser();
    const response = await as(users.owner, `/api/tenants/${id}/members/${stranger.id}`, {
      method: "PATCH",
      json: { role: "admin" },
    });
    expect(response.status).toBe(404);
    expect((await problemOf(response)).code).toBe("MEMBER_NOT_FOUND");
  });
});

describe("GET /api/me", () => {
  it("lists the caller's tenant memberships with names and roles", async () => {
    const { id, users } = await tenantWithRoles();
    const response = await as(users.admin, "/api/me");
    expect(response.status).toBe(200);
    const me = (await response.json()) as { memberships: unknown[] };
    expect(me.memberships).toEqual([
      { tenantId: id, tenantName: expect.stringMatching(/^Tenant /), role: "admin" },
    ]);
  });
});

describe("methods", () => {
  it("a wrong method on a tenant route answers 405, and a state change by GET is impossible", async () => {
    const { id, users } = await tenantWithRoles();
    for (const [method, path] of [
      ["PUT", `/api/tenants/${id}/members`],
      ["POST", `/api/tenants/${id}/audit`],
      ["PATCH", `/api/tenants/${id}/tokens`],
      ["GET", `/api/invitations/${"A".repeat(43)}/accept`],
    ]) {
      const response = await as(users.owner, path, { method });
      expect(response.status, `${method} ${path}`).toBe(405);
    }
  });
});
