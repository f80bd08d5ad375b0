// /app/t/<tid>/members: the member list with role changes and removal (what the caller may do is
// enforced by the API; the page only hides what cannot work), invitations for admins.
import { api } from "../lib/api.ts";
import { $, show } from "../lib/dom.ts";
import { withStepUp } from "../auth/step-up.ts";
import { button, oneTimeValue, row, when } from "./page-parts.ts";
import { hasRole, mountTenantPage, report, tenantPath, type Role, type Tenant } from "./tenant-page.ts";
import type { CreatedInvitation, Invitation, Me, Member } from "../lib/api-types.ts";

let tenant: Tenant;
let myUserId = "";
const showInvitationLink = oneTimeValue("#invite-result", "Invitation link");

/** A role picker and its own button: changing the selection alone does nothing (keyboard users). */
function roleControls(member: Member): HTMLElement[] {
  const select = document.createElement("select");
  select.setAttribute("aria-label", `Role of ${member.email}`);
  const roles: Role[] = tenant.role === "owner" ? ["member", "admin", "owner"] : ["member", "admin"];
  for (const role of roles) select.add(new Option(role, role, false, role === member.role));
  const apply = button(
    "Change role",
    () => void changeRole(member, select.value as Role),
    `Change the role of ${member.email}`,
  );
  return [select, apply];
}

function manageable(member: Member): boolean {
  return tenant.role === "owner" || (tenant.role === "admin" && member.role !== "owner");
}

async function loadMembers(): Promise<void> {
  const members = await api<Member[]>(tenantPath(tenant.id, "/members"));
  if (!members.ok) return void report(members, "");
  $("#members").replaceChildren(
    ...members.data.map((member) => {
      const self = member.userId === myUserId;
      const actions: HTMLElement[] = [];
      if (manageable(member)) actions.push(...roleControls(member));
      if (self) actions.push(button("Leave", () => void remove(member, true), "Leave this tenant"));
      else if (manageable(member))
        actions.push(button("Remove", () => void remove(member, false), `Remove ${member.email}`));
      return row([member.name, member.email, self ? `${member.role} (you)` : member.role], actions);
    }),
  );
}

async function changeRole(member: Member, role: Role): Promise<void> {
  if (role === member.role) return;
  const result = await withStepUp(() =>
    api(tenantPath(tenant.id, `/members/${member.userId}`), "PATCH", { role }),
  );
  report(result, `${member.email} is now ${role}.`);
  await loadMembers();
}

async function remove(member: Member, self: boolean): Promise<void> {
  if (
    !confirm(
      self ? "Leave this tenant? You will lose access to it." : `Remove ${member.email} from this tenant?`,
    )
  )
    return;
  const result = await api(tenantPath(tenant.id, `/members/${member.userId}`), "DELETE");
  if (!report(result, self ? "You left the tenant." : `${member.email} was removed.`)) return;
  if (self) location.assign("/app");
  else await loadMembers();
}

async function loadInvitations(): Promise<void> {
  const invitations = await api<Invitation[]>(tenantPath(tenant.id, "/invitations"));
  if (!invitations.ok) return;
  $("#pending").replaceChildren(
    ...invitations.data.map((invitation) => {
      const li = document.createElement("li");
      li.append(`${invitation.email} as ${invitation.role}, expires ${when(invitation.expiresAt)} `);
      li.append(
        button("Revoke", () => void revoke(invitation), `Revoke the invitation for ${invitation.email}`),
      );
      return li;
    }),
  );
}

async function revoke(invitation: Invitation): Promise<void> {
  const result = await api(tenantPath(tenant.id, `/invitations/${invitation.id}`), "DELETE");
  if (report(result, `The invitation for ${invitation.email} was revoked.`)) await loadInvitations();
}

$<HTMLFormElement>("#invite").addEventListener("submit", async (event) => {
  event.preventDefault();
  const email = $<HTMLInputElement>("#invite-email").value.trim();
  const role = $<HTMLSelectElement>("#invite-role").value;
  if (!email) return show($("#error"), "Please enter the email address to invite.");
  const created = await api<CreatedInvitation>(tenantPath(tenant.id, "/invitations"), "POST", {
    email,
    role,
  });
  if (!report(created, `Invitation created for ${email}.`) || !created.ok) return;
  showInvitationLink(created.data.url);
  await loadInvitations();
});

mountTenantPage(async (loaded) => {
  tenant = loaded;
  const me = await api<Me>("/api/me");
  if (me.ok) myUserId = me.data.user.id;
  if (hasRole(tenant, "admin")) {
    $("#invitations").hidden = false;
    if (tenant.role !== "owner") $<HTMLSelectElement>("#invite-role").options[2].disabled = true;
    await loadInvitations();
  }
  await loadMembers();
});
