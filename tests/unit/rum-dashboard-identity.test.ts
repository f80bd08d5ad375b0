import { describe, expect, it } from "vitest";
import { announceDashboardIdentity } from "../../rum-sdk/src/dashboard-identity.ts";
import { isDashboardPath } from "../../rum-sdk/src/page-stamp.ts";

describe("the dashboard identity contract", () => {
  it("puts user, tenant and roles on <html> data attributes, and drops a stale tenant", () => {
    const root = { dataset: {} as DOMStringMap } as HTMLElement;
    announceDashboardIdentity({ userId: "u1", tenantId: "t1", roles: ["owner", "admin"] }, root);
    expect({ ...root.dataset }).toEqual({
      sightlineUserId: "u1",
      sightlineTenantId: "t1",
      sightlineUserRoles: "owner,admin",
    });
    announceDashboardIdentity({ userId: "u1", roles: [] }, root);
    expect(root.dataset.sightlineTenantId).toBeUndefined();
  });

  it("applies to /app and below only, never to /signin, /signup or public pages", () => {
    expect(isDashboardPath("/app")).toBe(true);
    expect(isDashboardPath("/app/security")).toBe(true);
    for (const path of ["/", "/signin", "/signup", "/application", "/pricing/app"])
      expect(isDashboardPath(path)).toBe(false);
  });
});
