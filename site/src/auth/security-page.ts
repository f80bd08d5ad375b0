// /app/security: passkeys, authenticator app (with QR), recovery codes and sessions. Every
// sensitive change goes through withStepUp.
import { startRegistration } from "@simplewebauthn/browser";
import { renderSVG } from "uqr";
import { api } from "../lib/api.ts";
import type { Me, Passkey, RecoveryCodes, Session, TotpSetup } from "../lib/api-types.ts";
import { show } from "../lib/dom.ts";
import { ceremonyMessage } from "./ceremony.ts";
import { withStepUp } from "./step-up.ts";

type CreationOptions = Parameters<typeof startRegistration>[0]["optionsJSON"];

const $ = <T extends HTMLElement = HTMLElement>(selector: string) => document.querySelector<T>(selector)!;
const error = $("#error");
const status = $("#status");
const when = (iso: string | null) => (iso ? new Date(iso).toLocaleString() : "never");

function report(result: { ok: boolean; message?: string }, success: string): boolean {
  show(error, result.ok ? "" : (result.message ?? ""));
  show(status, result.ok ? success : "");
  return result.ok;
}

function item(text: string, ...buttons: [label: string, onClick: () => void][]): HTMLLIElement {
  const li = document.createElement("li");
  li.append(text);
  for (const [label, onClick] of buttons) {
    const button = document.createElement("button");
    button.type = "button";
    button.textContent = label;
    button.addEventListener("click", onClick);
    li.append(" ", button);
  }
  return li;
}

async function loadMe(): Promise<Me | null> {
  const me = await api<Me>("/api/me");
  if (!me.ok) {
    location.assign("/signin");
    return null;
  }
  $("#who").textContent = `${me.data.user.name} · ${me.data.user.email}`;
  $("#totp-on").hidden = !me.data.totpEnabled;
  $("#totp-off").hidden = me.data.totpEnabled;
  $("#reauth-code").hidden = !me.data.totpEnabled;
  return me.data;
}

async function loadPasskeys(): Promise<void> {
  const list = await api<Passkey[]>("/api/auth/passkeys");
  if (!list.ok) return;
  $("#passkey-list").replaceChildren(
    ...list.data.map((passkey) =>
      item(
        `${passkey.name} (${passkey.provider}) — added ${when(passkey.createdAt)}, last used ${when(passkey.lastUsedAt)}`,
        ["Rename", () => void renamePasskey(passkey)],
        ["Delete", () => void deletePasskey(passkey)],
      ),
    ),
  );
}

async function renamePasskey(passkey: Passkey): Promise<void> {
  const name = prompt("New name for this passkey", passkey.name)?.trim();
  if (!name) return;
  if (report(await api(`/api/auth/passkeys/${passkey.id}`, "PATCH", { name }), "Passkey renamed."))
    await loadPasskeys();
}

async function deletePasskey(passkey: Passkey): Promise<void> {
  if (!confirm(`Delete the passkey “${passkey.name}”?`)) return;
  const result = await withStepUp(() => api(`/api/auth/passkeys/${passkey.id}`, "DELETE"));
  if (report(result, "Passkey deleted.")) await refresh();
}

async function addPasskey(): Promise<void> {
  const options = await withStepUp(() => api<CreationOptions>("/api/auth/passkeys/options", "POST"));
  if (!options.ok) return void report(options, "");
  try {
    const response = await startRegistration({ optionsJSON: options.data });
    const added = await api("/api/auth/passkeys/verify", "POST", { response });
    if (report(added, "Passkey added. You can now sign in with it on this device.")) {
      $("#offer").hidden = true;
      await refresh();
    }
  } catch (failure) {
    show(error, ceremonyMessage(failure));
  }
}

async function setupTotp(): Promise<void> {
  const setup = await withStepUp(() => api<TotpSetup>("/api/auth/totp/setup", "POST"));
  if (!setup.ok) return void report(setup, "");
  $("#qr").innerHTML = renderSVG(setup.data.otpauthUri);
  $("#totp-secret").textContent = setup.data.secret;
  $("#totp-setup").hidden = false;
  $<HTMLInputElement>("#totp-enable-code").focus();
}

async function enableTotp(event: SubmitEvent): Promise<void> {
  event.preventDefault();
  const code = $<HTMLInputElement>("#totp-enable-code").value.trim();
  const result = await withStepUp(() => api("/api/auth/totp/enable", "POST", { code }));
  if (!report(result, "Authenticator app turned on.")) return;
  $("#totp-setup").hidden = true;
  $("#qr").replaceChildren();
  $("#totp-secret").textContent = "";
  await refresh();
}

async function disableTotp(): Promise<void> {
  if (!confirm("Turn off sign-in with an authenticator app?")) return;
  if (report(await withStepUp(() => api("/api/auth/totp", "DELETE")), "Authenticator app turned off."))
    await refresh();
}

async function generateCodes(): Promise<void> {
  const result = await withStepUp(() => api<RecoveryCodes>("/api/auth/recovery-codes", "POST"));
  if (
    !report(result, "New recovery codes: save them now, they are shown only once. Old codes no longer work.")
  )
    return;
  if (result.ok)
    $("#codes").replaceChildren(
      ...result.data.codes.map((code) => Object.assign(document.createElement("li"), { textContent: code })),
    );
}

async function loadSessions(): Promise<void> {
  const list = await api<Session[]>("/api/sessions");
  if (!list.ok) return;
  $("#session-list").replaceChildren(
    ...list.data.map((session) => {
      const label = `${session.current ? "This device" : session.userAgent || "Unknown device"} — signed in with ${session.method} on ${when(session.createdAt)}, last active ${when(session.lastSeenAt)}`;
      return session.current ? item(label) : item(label, ["Sign out", () => void endSession(session.id)]);
    }),
  );
}

async function endSession(id: string): Promise<void> {
  if (report(await api(`/api/sessions/${id}`, "DELETE"), "Session ended.")) await loadSessions();
}

async function refresh(): Promise<void> {
  if (await loadMe()) await Promise.all([loadPasskeys(), loadSessions()]);
}

$("#add-passkey").addEventListener("click", () => void addPasskey());
$("#offer-add").addEventListener("click", () => void addPasskey());
$("#totp-start").addEventListener("click", () => void setupTotp());
$("#totp-enable").addEventListener("submit", (event) => void enableTotp(event));
$("#totp-disable").addEventListener("click", () => void disableTotp());
$("#generate-codes").addEventListener("click", () => void generateCodes());
$("#signout-others").addEventListener("click", async () => {
  if (report(await api("/api/sessions", "DELETE"), "Signed out everywhere else.")) await loadSessions();
});
$("#signout").addEventListener("click", async () => {
  await api("/api/auth/logout", "POST");
  location.assign("/signin");
});
$("#offer").hidden = new URLSearchParams(location.search).get("offer") !== "passkey";
await refresh();
