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

export function when(iso: string | null): string {
  return iso ? new Date(iso).toLocaleString() : "never";
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

/** Runs a tenant page's script once its tenant is loaded (signed out or not a member: loadTenant's answer). */
export function mountTenantPage(load: (tenant: Tenant) => Promise<void> | void): void {
  void loadTenant().then((tenant) => tenant && load(tenant));
}

/** A button that runs an action, for lists built in the page. */
export function button(label: string, onClick: () => void, accessibleName?: string): HTMLButtonElement {
  const element = document.createElement("button");
  element.type = "button";
  element.textContent = label;
  if (accessibleName) element.setAttribute("aria-label", accessibleName);
  element.addEventListener("click", onClick);
  return element;
}

/** A table row of text cells, then any elements (buttons, selects) in a last cell. */
export function row(cells: string[], actions: HTMLElement[] = []): HTMLTableRowElement {
  const tr = document.createElement("tr");
  for (const text of cells) {
    const td = document.createElement("td");
    td.textContent = text;
    tr.append(td);
  }
  const td = document.createElement("td");
  td.append(...actions);
  tr.append(td);
  return tr;
}

/**
 * A value shown once (a token's secret, an invitation link): put in its read-only input, revealed
 * and selected, with a copy button that says what happened. The text stays selectable for browsers
 * without clipboard access.
 */
export function revealOnce(box: string, input: string, value: string): void {
  $<HTMLInputElement>(input).value = value;
  $(box).hidden = false;
  $<HTMLInputElement>(input).select();
}

/** Wires a copy button to the input it copies. */
export function copyButton(button: string, input: string, label: string): void {
  $(button).addEventListener("click", async () => {
    try {
      await navigator.clipboard.writeText($<HTMLInputElement>(input).value);
      show($("#status"), `${label} copied to the clipboard.`);
    } catch {
      show($("#status"), `Select the ${label.toLowerCase()} and copy it.`);
    }
  });
}
