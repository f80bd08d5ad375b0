// Step-up for sensitive actions: when the API answers REAUTH_REQUIRED, ask the person to confirm
// with a passkey or an authenticator code (components/StepUpDialog.astro), then retry once.
import { startAuthentication } from "@simplewebauthn/browser";
import { api, type ApiResult } from "../lib/api.ts";
import { show } from "../lib/dom.ts";
import { ceremonyMessage } from "./ceremony.ts";

type RequestOptions = Parameters<typeof startAuthentication>[0]["optionsJSON"];

function confirmIdentity(): Promise<boolean> {
  const dialog = document.querySelector<HTMLDialogElement>("#reauth")!;
  const error = dialog.querySelector<HTMLElement>("[role=alert]");
  const form = dialog.querySelector<HTMLFormElement>("form.code")!;
  show(error, "");
  return new Promise((resolve) => {
    const done = (ok: boolean) => {
      dialog.close();
      resolve(ok);
    };
    dialog.querySelector<HTMLButtonElement>("button.passkey")!.onclick = async () => {
      const options = await api<RequestOptions>("/api/auth/reauth/passkey/options", "POST");
      if (!options.ok) return show(error, options.message);
      try {
        const response = await startAuthentication({ optionsJSON: options.data });
        const verified = await api("/api/auth/reauth/passkey/verify", "POST", { response });
        if (verified.ok) return done(true);
        show(error, verified.message);
      } catch (failure) {
        show(error, ceremonyMessage(failure));
      }
    };
    form.onsubmit = async (event) => {
      event.preventDefault();
      const code = (form.elements.namedItem("code") as HTMLInputElement).value.trim();
      const verified = await api("/api/auth/reauth/totp", "POST", { code });
      if (verified.ok) return done(true);
      show(error, verified.message);
    };
    dialog.querySelector<HTMLButtonElement>("button.cancel")!.onclick = () => done(false);
    dialog.showModal();
  });
}

/** Runs a sensitive API call; on REAUTH_REQUIRED confirms identity and runs it once more. */
export async function withStepUp<T>(action: () => Promise<ApiResult<T>>): Promise<ApiResult<T>> {
  const first = await action();
  if (first.ok || first.code !== "REAUTH_REQUIRED") return first;
  return (await confirmIdentity()) ? action() : first;
}
