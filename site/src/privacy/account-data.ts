// The "Your data" buttons on /app/security. Both calls need a recent sign-in; withStepUp asks for
// one through the page's dialog and retries once.
import { api } from "../lib/api.ts";
import { show } from "../lib/dom.ts";
import { withStepUp } from "../auth/step-up.ts";
import type { AccountDeletion } from "../lib/api-types.ts";

const status = document.querySelector<HTMLElement>("#account-data-status");

function saveJson(data: unknown, filename: string): void {
  const url = URL.createObjectURL(new Blob([JSON.stringify(data, null, 2)], { type: "application/json" }));
  const link = Object.assign(document.createElement("a"), { href: url, download: filename });
  link.click();
  URL.revokeObjectURL(url);
}

document.querySelector("#export-account")?.addEventListener("click", async () => {
  show(status, "Preparing your download…");
  const result = await withStepUp(() => api("/api/account/export"));
  if (!result.ok) return show(status, result.message);
  saveJson(result.data, `sightline-account-${new Date().toISOString().slice(0, 10)}.json`);
  show(status, "Downloaded.");
});

document.querySelector("#delete-account")?.addEventListener("click", async () => {
  const confirmed = confirm(
    "Delete your Sightline account? You are signed out everywhere now, and the account is erased after the restore period.",
  );
  if (!confirmed) return;
  const result = await withStepUp(() => api<AccountDeletion>("/api/account", "DELETE"));
  if (!result.ok) return show(status, result.message);
  location.assign(`/restore-account?deleted=${encodeURIComponent(result.data.purgeAfter)}`);
});
