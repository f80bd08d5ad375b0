import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { announceDashboardIdentity, IDENTITY_EVENT } from "../../rum-sdk/src/dashboard-identity.ts";
import { isDashboardPath } from "../../rum-sdk/src/page-stamp.ts";

describe("the dashboard identity contract", () => {
  it("puts user, tenant and roles on <html> data attributes, and drops a stale tenant", () => {
    const document = new EventTarget();
    const root = { dataset: {} as DOMStringMap, ownerDocument: document } as unknown as HTMLElement;
    announceDashboardIdentity({ userId: "u1", tenantId: "t1", roles: ["owner", "admin"] }, root);
    expect({ ...root.dataset }).toEqual({
      sightlineUserId: "u1",
      sightlineTenantId: "t1",
      sightlineUserRoles: "owner,admin",
    });
    announceDashboardIdentity({ userId: "u1", roles: [] }, root);
    expect(root.dataset.sightlineTenantId).toBeUndefined();
  });

  it("tells the loader once the identity is known, so no /app span starts without it", () => {
    const document = new EventTarget();
    const root = { dataset: {} as DOMStringMap, ownerDocument: document } as unknown as HTMLElement;
    let announced = 0;
    document.addEventListener(IDENTITY_EVENT, () => announced++);
    announceDashboardIdentity({ userId: "u1", roles: ["member"] }, root);
    expect(announced).toBe(1);
    const loader = readFileSync(new URL("../../site/src/scripts/consent-loader.ts", import.meta.url), "utf8");
    expect(loader).toContain(`"${IDENTITY_EVENT}"`);
  });

  it("applies to /app and below only, never to /signin, /signup or public pages", () => {
    expect(isDashboardPath("/app")).toBe(true);
    expect(isDashboardPath("/app/security")).toBe(true);
    for (const path of ["/", "/signin", "/signup", "/application", "/pricing/app"])
      expect(isDashboardPath(path)).toBe(false);
  });
});
