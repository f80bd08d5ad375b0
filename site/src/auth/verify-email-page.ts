// /verify-email#<token>: confirms the address the link was sent to. Works signed in or not (the
// link may be opened on another device); single-use, so a reload says "already used".
import { api } from "../lib/api.ts";
import { show } from "../lib/dom.ts";

const status = document.querySelector<HTMLElement>("#status");
const error = document.querySelector<HTMLElement>("#error");

async function start(): Promise<void> {
  const token = location.hash.slice(1);
  history.replaceState(null, "", location.pathname);
  if (!/^[A-Za-z0-9_-]{43}$/.test(token)) {
    show(status, "");
    return show(error, "This confirmation link is incomplete. Copy the whole link from the email.");
  }
  const verified = await api("/api/auth/email/verify", "POST", { token });
  show(status, verified.ok ? "Your email address is confirmed." : "");
  show(error, verified.ok ? "" : verified.message);
}

void start();
