// /app: the tenants the signed-in user belongs to, and creating one (its creator becomes owner).
// An invitation opened while signed out is resumed here once the person has signed in.
import { api } from "../lib/api.ts";
import { $, show } from "../lib/dom.ts";
import { pendingInvitation } from "./pending-invitation.ts";
import type { CreatedTenant, Me, TenantSummary } from "../lib/api-types.ts";

async function load(): Promise<void> {
  const me = await api<Me>("/api/me");
  if (!me.ok) return location.assign("/signin");
  const pending = pendingInvitation();
  if (pending) return location.assign(`/app/invite#${pending}`);
  $("#who").textContent = `${me.data.user.name} · ${me.data.user.email}`;
  const tenants = await api<TenantSummary[]>("/api/tenants");
  if (!tenants.ok) return show($("#error"), tenants.message);
  $("#empty").hidden = tenants.data.length > 0;
  $("#tenants").replaceChildren(
    ...tenants.data.map((tenant) => {
      const li = document.createElement("li");
      const link = document.createElement("a");
      link.href = `/app/t/${tenant.id}/services`;
      link.textContent = tenant.name;
      li.append(link, ` — ${tenant.role}`);
      return li;
    }),
  );
}

$<HTMLFormElement>("#create").addEventListener("submit", async (event) => {
  event.preventDefault();
  const name = $<HTMLInputElement>("#tenant-name-input").value.trim();
  if (!name) return show($("#error"), "Please enter a name for the tenant.");
  const created = await api<CreatedTenant>("/api/tenants", "POST", { name });
  if (!created.ok) return show($("#error"), created.message);
  location.assign(`/app/t/${created.data.id}/services`);
});

void load();
