import { describe, expect, it } from "vitest";
import { dashboardIdentityOf, type Me } from "../../site/src/app/dashboard-identity.ts";

const me: Me = {
  user: { id: "u1" },
  memberships: [
    { tenantId: "t1", role: "owner" },
    { tenantId: "t2", role: "member" },
    { tenantId: "t3", role: "owner" },
  ],
};

describe("the identity the dashboard announces to its RUM", () => {
  it("in a tenant, is the user with that tenant and their role there", () => {
    expect(dashboardIdentityOf(me, "t2")).toEqual({ userId: "u1", tenantId: "t2", roles: ["member"] });
  });

  it("outside any tenant, is the user with every distinct role they hold", () => {
    expect(dashboardIdentityOf(me, null)).toEqual({ userId: "u1", roles: ["owner", "member"] });
  });

  it("in a tenant the user is not a member of, names neither the tenant nor a role", () => {
    expect(dashboardIdentityOf(me, "t9")).toEqual({ userId: "u1", roles: [] });
  });
});
