// /restore-account: the passkey ceremony that cancels a pending deletion, then on to the dashboard.
import { startAuthentication } from "@simplewebauthn/browser";
import { api } from "../lib/api.ts";
import { show } from "../lib/dom.ts";
import { ceremonyMessage } from "../auth/ceremony.ts";

type RequestOptions = Parameters<typeof startAuthentication>[0]["optionsJSON"];

const error = document.querySelector<HTMLElement>("#error");
const deletedUntil = new URLSearchParams(location.search).get("deleted");
if (deletedUntil) {
  show(
    document.querySelector("#deleted"),
    `Your account is deleted. It can be restored here until ${new Date(deletedUntil).toLocaleString()}.`,
  );
}

document.querySelector<HTMLFormElement>("#restore")?.addEventListener("submit", async (event) => {
  event.preventDefault();
  const email = document.querySelector<HTMLInputElement>("#email")!.value.trim();
  const options = await api<RequestOptions>("/api/account/restore/options", "POST", email ? { email } : {});
  if (!options.ok) return show(error, options.message);
  try {
    const response = await startAuthentication({ optionsJSON: options.data });
    const restored = await api("/api/account/restore/verify", "POST", { response });
    if (!restored.ok) return show(error, restored.message);
    location.assign("/app/security");
  } catch (failure) {
    show(error, ceremonyMessage(failure));
  }
});
