// /app/t/<tid>/settings: rename (owner), allowed origins (admin), browser log text (owner), delete
// the tenant (owner, with a recent sign-in and the name typed to confirm).
import { api } from "../lib/api.ts";
import type { Origins, RumPrivacy } from "../lib/api-types.ts";
import { $, show } from "../lib/dom.ts";
import { withStepUp } from "../auth/step-up.ts";
import { hasRole, mountTenantPage, report, tenantPath, type Tenant } from "./tenant-page.ts";

let tenant: Tenant;

function disable(form: HTMLFormElement, note: string): void {
  for (const element of form.elements) (element as HTMLInputElement).disabled = true;
  $(note).hidden = false;
}

async function loadOrigins(): Promise<void> {
  const result = await api<Origins>(tenantPath(tenant.id, "/origins"));
  if (result.ok) $<HTMLTextAreaElement>("#origins-input").value = result.data.origins.join("\n");
}

async function loadLogText(): Promise<void> {
  const result = await api<RumPrivacy>(tenantPath(tenant.id, "/rum/privacy"));
  if (result.ok) $<HTMLInputElement>("#log-text-input").checked = result.data.browserLogText;
}

$<HTMLFormElement>("#rename").addEventListener("submit", async (event) => {
  event.preventDefault();
  const name = $<HTMLInputElement>("#rename-input").value.trim();
  if (!name) return show($("#error"), "Please enter a name.");
  const result = await api(tenantPath(tenant.id), "PATCH", { name });
  if (report(result, "Tenant renamed.")) $("#tenant-name").textContent = name;
});

$<HTMLFormElement>("#origins").addEventListener("submit", async (event) => {
  event.preventDefault();
  const origins = $<HTMLTextAreaElement>("#origins-input")
    .value.split("\n")
    .map((line) => line.trim())
    .filter(Boolean);
  const result = await api<Origins>(tenantPath(tenant.id, "/origins"), "PUT", { origins });
  if (report(result, "Allowed origins saved.") && result.ok) {
    $<HTMLTextAreaElement>("#origins-input").value = result.data.origins.join("\n");
  }
});

$<HTMLFormElement>("#log-text").addEventListener("submit", async (event) => {
  event.preventDefault();
  const browserLogText = $<HTMLInputElement>("#log-text-input").checked;
  const result = await api<RumPrivacy>(tenantPath(tenant.id, "/rum/privacy"), "PUT", { browserLogText });
  report(result, browserLogText ? "Browser log text is kept." : "Browser log text is dropped.");
});

$<HTMLFormElement>("#delete").addEventListener("submit", async (event) => {
  event.preventDefault();
  if ($<HTMLInputElement>("#delete-confirm").value.trim() !== tenant.name) {
    return show($("#error"), "Type the tenant's exact name to confirm the deletion.");
  }
  const result = await withStepUp(() => api(tenantPath(tenant.id), "DELETE"));
  if (report(result, "Tenant deleted.")) location.assign("/app");
});

mountTenantPage(async (loaded) => {
  tenant = loaded;
  $<HTMLInputElement>("#rename-input").value = tenant.name;
  if (tenant.role !== "owner") {
    disable($<HTMLFormElement>("#rename"), "#rename-owner-only");
    disable($<HTMLFormElement>("#log-text"), "#log-text-owner-only");
  } else await loadLogText();
  $("#delete-section").hidden = tenant.role !== "owner";
  if (hasRole(tenant, "admin")) await loadOrigins();
  else disable($<HTMLFormElement>("#origins"), "#origins-admin-only");
});
