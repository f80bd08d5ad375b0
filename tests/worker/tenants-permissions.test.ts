// Authorization on every tenant route: a table of role × action, cross-tenant probes (always 404,
// identical to a tenant that does not exist), and a tenant id in a header or body never overriding
// the path's.
import { describe, expect, it } from "vitest";
import type { Role } from "../../db/schema/index.ts";
import { problemOf } from "./helpers.ts";
import { as, createToken, tenantWithRoles, type TestTenant } from "./support/tenancy.ts";

type Action = {
  name: string;
  minimum: Role;
  success: number;
  request(t: TestTenant, fixtures: Fixtures): { method: string; path: string; json?: unknown };
};
type Fixtures = { invitationId: string; tokenId: string };

async function fixturesOf(t: TestTenant): Promise<Fixtures> {
  const invitation = await as(t.users.owner, `/api/tenants/${t.id}/invitations`, {
    json: { email: `invitee-${crypto.randomUUID()}@example.com`, role: "member" },
  });
  const { id: invitationId } = (await invitation.json()) as { id: string };
  const { id: tokenId } = await createToken(t.id, t.users.owner);
  return { invitationId, tokenId };
}

const ACTIONS: Action[] = [
  {
    name: "read the tenant",
    minimum: "member",
    success: 200,
    request: (t) => ({ method: "GET", path: `/api/tenants/${t.id}` }),
  },
  {
    name: "rename the tenant",
    minimum: "owner",
    success: 200,
    request: (t) => ({ method: "PATCH", path: `/api/tenants/${t.id}`, json: { name: "Renamed" } }),
  },
  {
    name: "delete the tenant",
    minimum: "owner",
    success: 204,
    request: (t) => ({ method: "DELETE", path: `/api/tenants/${t.id}` }),
  },
  {
    name: "list members",
    minimum: "member",
    success: 200,
    request: (t) => ({ method: "GET", path: `/api/tenants/${t.id}/members` }),
  },
  {
    name: "promote a member to admin",
    minimum: "admin",
    success: 200,
    request: (t) => ({
      method: "PATCH",
      path: `/api/tenants/${t.id}/members/${t.otherMember.id}`,
      json: { role: "admin" },
    }),
  },
  {
    name: "make a member an owner",
    minimum: "owner",
    success: 200,
    request: (t) => ({
      method: "PATCH",
      path: `/api/tenants/${t.id}/members/${t.otherMember.id}`,
      json: { role: "owner" },
    }),
  },
  {
    name: "remove another member",
    minimum: "admin",
    success: 204,
    request: (t) => ({ method: "DELETE", path: `/api/tenants/${t.id}/members/${t.otherMember.id}` }),
  },
  {
    name: "invite a member",
    minimum: "admin",
    success: 201,
    request: (t) => ({
      method: "POST",
      path: `/api/tenants/${t.id}/invitations`,
      json: { email: `new-${crypto.randomUUID()}@example.com`, role: "member" },
    }),
  },
  {
    name: "invite an owner",
    minimum: "owner",
    success: 201,
    request: (t) => ({
      method: "POST",
      path: `/api/tenants/${t.id}/invitations`,
      json: { email: `new-${crypto.randomUUID()}@example.com`, role: "owner" },
    }),
  },
  {
    name: "list invitations",
    minimum: "admin",
    success: 200,
    request: (t) => ({ method: "GET", path: `/api/tenants/${t.id}/invitations` }),
  },
  {
    name: "revoke an invitation",
    minimum: "admin",
    success: 204,
    request: (t, f) => ({ method: "DELETE", path: `/api/tenants/${t.id}/invitations/${f.invitationId}` }),
  },
  {
    name: "create an API token",
    minimum: "admin",
    success: 201,
    request: (t) => ({
      method: "POST",
      path: `/api/tenants/${t.id}/tokens`,
      json: { name: "x", type: "frontend" },
    }),
  },
  {
    name: "list API tokens",
    minimum: "admin",
    success: 200,
    request: (t) => ({ method: "GET", path: `/api/tenants/${t.id}/tokens` }),
  },
  {
    name: "revoke an API token",
    minimum: "admin",
    success: 204,
    request: (t, f) => ({ method: "DELETE", path: `/api/tenants/${t.id}/tokens/${f.tokenId}` }),
  },
  {
    name: "read allowed origins",
    minimum: "admin",
    success: 200,
    request: (t) => ({ method: "GET", path: `/api/tenants/${t.id}/origins` }),
  },
  {
    name: "replace allowed origins",
    minimum: "admin",
    success: 200,
    request: (t) => ({
      method: "PUT",
      path: `/api/tenants/${t.id}/origins`,
      json: { origins: ["https://example.com"] },
    }),
  },
  {
    name: "read the audit log",
    minimum: "admin",
    success: 200,
    request: (t) => ({ method: "GET", path: `/api/tenants/${t.id}/audit` }),
  },
];

async function problemWithoutRequestId(response: Response) {
  const problem = await problemOf(response);
  delete problem.requestId;
  return problem;
}

const RANK: Record<Role, number> = { member: 1, admin: 2, owner: 3 };
const CASES = ACTIONS.flatMap((action) =>
  (["member", "admin", "owner"] as const).map((role) => ({
    action,
    role,
    allowed: RANK[role] >= RANK[action.minimum],
  })),
);

describe("role × action permissions", () => {
  it.each(CASES)(
    "a tenant $role trying to $action.name: allowed=$allowed",
    async ({ action, role, allowed }) => {
      const tenant = await tenantWithRoles();
      const request = action.request(tenant, await fixturesOf(tenant));
      const response = await as(tenant.users[role], request.path, {
        method: request.method,
        json: request.json,
      });
      if (allowed) {
        expect(response.status, await response.clone().text()).toBe(action.success);
      } else {
        expect(response.status).toBe(403);
        expect((await problemOf(response)).code).toBe("ROLE_REQUIRED");
      }
    },
  );
});

describe("cross-tenant access", () => {
  it("every tenant route answers 404 to an owner of another tenant, exactly like a tenant that does not exist", async () => {
    const mine = await tenantWithRoles();
    const theirs = await tenantWithRoles();
    const fixtures = await fixturesOf(theirs);
    const nowhere = { ...theirs, id: crypto.randomUUID() };
    for (const action of ACTIONS) {
      const probe = action.request(theirs, fixtures);
      const response = await as(mine.users.owner, probe.path, { method: probe.method, json: probe.json });
      expect(response.status, `${action.name}: ${probe.method} ${probe.path}`).toBe(404);
      const absent = action.request(nowhere, fixtures);
      const control = await as(mine.users.owner, absent.path, { method: absent.method, json: absent.json });
      expect(await problemWithoutRequestId(response), action.name).toEqual(
        await problemWithoutRequestId(control),
      );
    }
    const members = (await (
      await as(theirs.users.owner, `/api/tenants/${theirs.id}/members`)
    ).json()) as unknown[];
    expect(members).toHaveLength(4);
  });

  it("another tenant's token, invitation or member ids under one's own tenant path answer 404", async () => {
    const mine = await tenantWithRoles();
    const theirs = await tenantWithRoles();
    const fixtures = await fixturesOf(theirs);
    const probes = [
      {
        method: "DELETE",
        path: `/api/tenants/${mine.id}/tokens/${fixtures.tokenId}`,
        code: "TOKEN_NOT_FOUND",
      },
      {
        method: "DELETE",
        path: `/api/tenants/${mine.id}/invitations/${fixtures.invitationId}`,
        code: "INVITATION_NOT_FOUND",
      },
      {
        method: "DELETE",
        path: `/api/tenants/${mine.id}/members/${theirs.users.member.id}`,
        code: "MEMBER_NOT_FOUND",
      },
      {
        method: "PATCH",
        path: `/api/tenants/${mine.id}/members/${theirs.users.member.id}`,
        json: { role: "admin" },
        code: "MEMBER_NOT_FOUND",
      },
    ];
    for (const probe of probes) {
      const response = await as(mine.users.owner, probe.path, { method: probe.method, json: probe.json });
      expect(response.status, probe.path).toBe(404);
      expect((await problemOf(response)).code).toBe(probe.code);
    }
    const tokens = (await (await as(theirs.users.owner, `/api/tenants/${theirs.id}/tokens`)).json()) as {
      id: string;
    }[];
    expect(tokens.map((token) => token.id)).toContain(fixtures.tokenId);
  });

  it("an X-Tenant-Id header is ignored: the path's tenant is the one checked and used", async () => {
    const mine = await tenantWithRoles();
    const theirs = await tenantWithRoles();
    const response = await as(mine.users.member, `/api/tenants/${mine.id}/members`, {
      headers: { "X-Tenant-Id": theirs.id },
    });
    expect(response.status).toBe(200);
    const ids = ((await response.json()) as { userId: string }[]).map((m) => m.userId);
    expect(ids).toContain(mine.users.member.id);
    expect(ids).not.toContain(theirs.users.member.id);
    const probe = await as(mine.users.owner, `/api/tenants/${theirs.id}/members`, {
      headers: { "X-Tenant-Id": mine.id },
    });
    expect(probe.status).toBe(404);
  });

  it("a tenant id in a body is refused as an unknown field, never used", async () => {
    const mine = await tenantWithRoles();
    const theirs = await tenantWithRoles();
    const response = await as(mine.users.owner, `/api/tenants/${mine.id}/origins`, {
      method: "PUT",
      json: { origins: ["https://evil.example"], tenantId: theirs.id },
    });
    expect(response.status).toBe(400);
    const origins = await (await as(theirs.users.owner, `/api/tenants/${theirs.id}/origins`)).json();
    expect(origins).toEqual({ origins: [] });
  });

  it("a malformed tenant id answers 404, not 500", async () => {
    const { users } = await tenantWithRoles();
    for (const id of ["not-a-uuid", "1' or '1'='1", "00000000-0000-0000-0000-00000000000g"]) {
      const response = await as(users.owner, `/api/tenants/${encodeURIComponent(id)}/members`);
      expect(response.status, id).toBe(404);
      expect((await problemOf(response)).code).toBe("TENANT_NOT_FOUND");
    }
  });
});
