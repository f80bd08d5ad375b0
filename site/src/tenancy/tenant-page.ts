// Shared by the tenant pages (/app/t/<tid>/...): the tenant id from the URL, the tenant's name and
// the caller's role, navigation links, and status/error reporting. Signed out → /signin; not a
// member (404) → a plain "not found" message.
import { api, type ApiResult } from "../lib/api.ts";
import type { Tenant } from "../lib/api-types.ts";
import { $, show } from "../lib/dom.ts";

export type { Tenant } from "../lib/api-types.ts";
export type Role = Tenant["role"];

const RANK: Record<Role, number> = { member: 1, admin: 2, owner: 3 };

export function hasRole(tenant: Tenant, minimum: Role): boolean {
  return RANK[tenant.role] >= RANK[minimum];
}

/** The tenant id in /app/t/<tid>/<page>, or null. */
export function tenantIdFromPath(): string | null {
  const match = /^\/app\/t\/([0-9a-f-]{36})\//i.exec(location.pathname);
  return match ? match[1] : null;
}

export function tenantPath(tenantId: string, rest = ""): string {
  return `/api/tenants/${tenantId}${rest}`;
}

/** Shows a result: the error in the alert region, or the success message in the status region. */
export function report(result: ApiResult<unknown>, success: string): boolean {
  show($("#error"), result.ok ? "" : result.message);
  show($("#status"), result.ok ? success : "");
  return result.ok;
}

/** Loads the page's tenant, fills in the heading and navigation; null when it cannot be shown. */
export async function loadTenant(): Promise<Tenant | null> {
  const tenantId = tenantIdFromPath();
  const result = tenantId ? await api<Tenant>(tenantPath(tenantId)) : null;
  if (result && !result.ok && result.status === 401) {
    location.assign("/signin");
    return null;
  }
  if (!result || !result.ok) {
    $("#tenant-name").textContent = "Tenant not found";
    show($("#error"), "This tenant does not exist or you are not a member of it.");
    return null;
  }
  const tenant = result.data;
  $("#tenant-name").textContent = tenant.name;
  $("#tenant-role").textContent = `Your role: ${tenant.role}`;
  // The tab title stays the page's own ("Members · Sightline"): dashboard RUM reports
  // document.title, and a tenant's name is the customer's data, not ours to collect.
  for (const link of document.querySelectorAll<HTMLAnchorElement>("a[data-page]")) {
    link.href = `/app/t/${tenant.id}/${link.dataset.page}`;
  }
  return tenant;
}

/**
 * The admins' part of a page (`section`) for admins, the page's #not-admin note for everyone else
 * (the API refuses them anyway). True for admins.
 */
export function showAdminsOnly(tenant: Tenant, section: string): boolean {
  const admin = hasRole(tenant, "admin");
  $("#not-admin").hidden = admin;
  $(section).hidden = !admin;
  return admin;
}

/** Runs a tenant page's script once its tenant is loaded (signed out or not a member: loadTenant's answer). */
export function mountTenantPage(load: (tenant: Tenant) => Promise<void> | void): void {
  void loadTenant().then((tenant) => tenant && load(tenant));
}
