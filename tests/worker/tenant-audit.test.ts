// The tenant audit log: tenant actions are recorded with actor, time and request id (no secrets),
// listed newest first for admins with pagination, and the runtime role can neither update nor
// delete them.
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { connect } from "./helpers.ts";
import { as, createToken, tenantWithRoles } from "./support/tenancy.ts";

type Event = {
  id: number;
  action: string;
  actorUserId: string;
  actorEmail: string;
  requestId: string;
  details: Record<string, unknown>;
};

describe("tenant audit log", () => {
  it("membership, invitation, token and origin changes are recorded newest first, without secrets", async () => {
    const { id, users, otherMember } = await tenantWithRoles();
    const token = await createToken(id, users.admin, { name: "ci", type: "backend" });
    await as(users.admin, `/api/tenants/${id}/tokens/${token.id}`, { method: "DELETE" });
    const invitation = (await (
      await as(users.admin, `/api/tenants/${id}/invitations`, {
        json: { email: "x@example.com", role: "member" },
      })
    ).json()) as { token: string };
    await as(users.owner, `/api/tenants/${id}/members/${otherMember.id}`, {
      method: "PATCH",
      json: { role: "admin" },
    });
    await as(users.admin, `/api/tenants/${id}/origins`, {
      method: "PUT",
      json: { origins: ["https://a.example"] },
    });
    await as(users.owner, `/api/tenants/${id}`, { method: "PATCH", json: { name: "Renamed" } });

    const response = await as(users.admin, `/api/tenants/${id}/audit`);
    expect(response.status).toBe(200);
    const events = (await response.json()) as Event[];
    expect(events.map((e) => e.action)).toEqual([
      "tenant.renamed",
      "origins.changed",
      "member.role_changed",
      "invitation.created",
      "token.revoked",
      "token.created",
    ]);
    expect(events[2]).toMatchObject({
      actorUserId: users.owner.id,
      actorEmail: users.owner.email,
      details: { userId: otherMember.id, from: "member", to: "admin" },
    });
    for (const event of events) expect(event.requestId).toMatch(/.+/);
    const text = JSON.stringify(events);
    expect(text).not.toContain(token.token);
    expect(text).not.toContain(invitation.token);
  });

  it("the audit log pages with a Link header", async () => {
    const { id, users } = await tenantWithRoles();
    for (const name of ["a", "b", "c"])
      await as(users.owner, `/api/tenants/${id}`, { method: "PATCH", json: { name } });
    const first = await as(users.admin, `/api/tenants/${id}/audit?limit=2`);
    const page1 = (await first.json()) as Event[];
    expect(page1.map((e) => e.details.name)).toEqual(["c", "b"]);
    const next = /<([^>]+)>; rel="next"/.exec(first.headers.get("Link") ?? "")![1];
    const page2 = (await (await as(users.admin, next)).json()) as Event[];
    expect(page2.map((e) => e.details.name)).toEqual(["a"]);
    expect((await as(users.admin, `/api/tenants/${id}/audit?limit=0`)).status).toBe(400);
  });

  it("another tenant's events never appear", async () => {
    const mine = await tenantWithRoles();
    const theirs = await tenantWithRoles();
    await as(theirs.users.owner, `/api/tenants/${theirs.id}`, { method: "PATCH", json: { name: "secret" } });
    const events = (await (await as(mine.users.owner, `/api/tenants/${mine.id}/audit`)).json()) as Event[];
    expect(JSON.stringify(events)).not.toContain("secret");
  });

  it("audit rows are append-only: the runtime role can neither update nor delete them", async () => {
    const { id, users } = await tenantWithRoles();
    await as(users.owner, `/api/tenants/${id}`, { method: "PATCH", json: { name: "n" } });
    const client = await connect(env.DATABASE_URL);
    try {
      await client.query("BEGIN");
      await client.query("SELECT set_config('app.tenant_id', $1, true)", [id]);
      const { rows } = await client.query(
        "SELECT count(*)::int AS n FROM audit_events WHERE tenant_id = $1",
        [id],
      );
      expect(rows[0].n).toBeGreaterThan(0);
      await expect(
        client.query("UPDATE audit_events SET action = 'x' WHERE tenant_id = $1", [id]),
      ).rejects.toThrow(/permission denied/);
      await client.query("ROLLBACK");
      await client.query("BEGIN");
      await client.query("SELECT set_config('app.tenant_id', $1, true)", [id]);
      await expect(client.query("DELETE FROM audit_events WHERE tenant_id = $1", [id])).rejects.toThrow(
        /permission denied/,
      );
      await client.query("ROLLBACK");
    } finally {
      await client.end();
    }
  });
});
