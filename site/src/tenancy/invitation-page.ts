// /app/invite#<token>: accepting an invitation. The token is in the fragment, so it never reaches a
// server log or a Referer. Accepting is an explicit click, never automatic on page load.
import { api } from "../lib/api.ts";
import { $, show } from "../lib/dom.ts";
import type { AcceptedInvitation, Me } from "../lib/api-types.ts";
import { forgetInvitation, rememberInvitation } from "./pending-invitation.ts";

const MESSAGES: Record<string, string> = {
  INVITATION_INVALID:
    "This invitation is no longer valid: it was used, revoked or has expired. Ask for a new one.",
  INVITATION_EMAIL_MISMATCH: "This invitation was sent to another email address. Sign in with that account.",
  ALREADY_MEMBER: "You are already a member of this tenant.",
};

async function start(): Promise<void> {
  const token = location.hash.slice(1);
  if (!/^[A-Za-z0-9_-]{43}$/.test(token)) {
    forgetInvitation();
    return show($("#error"), "This invitation link is incomplete. Copy the whole link and try again.");
  }
  const me = await api<Me>("/api/me");
  if (!me.ok) {
    rememberInvitation(token);
    $("#signed-out").hidden = false;
    return;
  }
  forgetInvitation();
  $("#as").textContent = `Signed in as ${me.data.user.email}`;
  $("#signed-in").hidden = false;
  $("#accept").addEventListener("click", async () => {
    // In the body, not the path: paths end up in access logs.
    const accepted = await api<AcceptedInvitation>("/api/invitations/accept", "POST", { token });
    if (!accepted.ok) return show($("#error"), MESSAGES[accepted.code] ?? accepted.message);
    history.replaceState(null, "", location.pathname);
    location.assign(`/app/t/${accepted.data.tenantId}/members`);
  });
}

void start();
