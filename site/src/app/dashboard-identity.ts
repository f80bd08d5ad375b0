// Who is looking at which tenant, for the RUM SDK on /app/* pages (docs/rum-sdk.md): dashboard
// spans carry enduser.id, tenant.id and user.roles. DashboardIdentity.astro fetches /api/me and
// announces the result; this module only decides what to announce.
import type { DashboardIdentity } from "../../../rum-sdk/src/dashboard-identity.ts";
import type { Me as MeAnswer } from "../lib/api-types.ts";

/** The part of GET /api/me this reads. */
export type Me = {
  user: Pick<MeAnswer["user"], "id">;
  memberships: Pick<MeAnswer["memberships"][number], "tenantId" | "role">[];
};

/**
 * In a tenant: the caller's role there (neither tenant nor role if not a member, since the page then
 * shows "not found"). On /app itself: every distinct role the caller holds.
 */
export function dashboardIdentityOf(me: Me, tenantId: string | null): DashboardIdentity {
  const userId = me.user.id;
  if (tenantId === null) return { userId, roles: [...new Set(me.memberships.map(({ role }) => role))] };
  const membership = me.memberships.find((candidate) => candidate.tenantId === tenantId);
  return membership ? { userId, tenantId, roles: [membership.role] } : { userId, roles: [] };
}
