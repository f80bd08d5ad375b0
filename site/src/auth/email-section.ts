// The email section of /app/security: whether the address is confirmed, a new confirmation link
// (rate-limited by the API), and a change of address (step-up; it applies once the new address's
// link is opened).
import { api } from "../lib/api.ts";
import type { Me } from "../lib/api-types.ts";
import { show } from "../lib/dom.ts";
import { withStepUp } from "./step-up.ts";

const $ = <T extends HTMLElement = HTMLElement>(selector: string) => document.querySelector<T>(selector)!;
const report = (result: { ok: boolean; message?: string }, success: string) => {
  show($("#error"), result.ok ? "" : (result.message ?? ""));
  show($("#status"), result.ok ? success : "");
};

async function start(): Promise<void> {
  const me = await api<Me>("/api/me");
  if (!me.ok) return;
  const { email, emailVerified } = me.data.user;
  $("#email-state").textContent = emailVerified
    ? `${email} (confirmed)`
    : `${email} is not confirmed yet: open the link we emailed you. Until then you cannot accept invitations.`;
  $("#email-resend").hidden = emailVerified;
  $("#email-resend").addEventListener("click", async () =>
    report(await api("/api/auth/email/resend", "POST"), `We sent a new confirmation link to ${email}.`),
  );
  $<HTMLFormElement>("#email-change").addEventListener("submit", async (event) => {
    event.preventDefault();
    const next = $<HTMLInputElement>("#email-new").value.trim();
    const result = await withStepUp(() => api("/api/auth/email/change", "POST", { email: next }));
    report(result, `We sent a confirmation link to ${next}. Your address changes once you open it.`);
  });
}

void start();
