// For the signed-in dashboard's own scripts: once /api/me answers, announce who is looking at which
// tenant. The SDK reads these <html> data attributes at every span start, and only on /app/* pages
// (page-stamp.ts), so setting them elsewhere has no effect.

/** Dispatched on the document once the identity is set: the loader starts the SDK only then. */
export const IDENTITY_EVENT = "sightline:identity";

export type DashboardIdentity = { userId: string; tenantId?: string; roles: string[] };

export function announceDashboardIdentity(
  identity: DashboardIdentity,
  root = document.documentElement,
): void {
  root.dataset.sightlineUserId = identity.userId;
  if (identity.tenantId) root.dataset.sightlineTenantId = identity.tenantId;
  else delete root.dataset.sightlineTenantId;
  root.dataset.sightlineUserRoles = identity.roles.join(",");
  root.ownerDocument.dispatchEvent(new Event(IDENTITY_EVENT));
}
