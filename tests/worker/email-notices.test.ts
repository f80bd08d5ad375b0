// Security notices, read from the simulated EMAIL binding: every account change named in the
// issue sends one to the account's address saying what, when, from which browser and what to do,
// and none of them carries a secret.
import { describe, expect, it } from "vitest";
import type { EmailKind } from "../../db/schema/index.ts";
import { api, signinOptions, signUp, type Account } from "./support/accounts.ts";
import { lastMessageTo, messagesTo, type DeliveredMessage } from "./support/mail.ts";
import { SoftwareAuthenticator } from "./support/software-authenticator.ts";
import { signUpWithTotp } from "./support/totp.ts";

const FIREFOX = "Mozilla/5.0 (X11; Linux x86_64; rv:140.0) Gecko/20100101 Firefox/140.0";
const SAFARI =
  "Mozilla/5.0 (iPhone; CPU iPhone OS 18_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.0 Mobile/15E148 Safari/604.1";

/** What every notice must hold: what happened, when (UTC), which browser, what to do. */
function expectNotice(message: DeliveredMessage, what: string, browser: string): void {
  expect(message.text).toContain(what);
  expect(message.text).toMatch(/When: \d{4}-\d\d-\d\d \d\d:\d\d \(UTC\)/);
  expect(message.text).toContain(`Browser: ${browser}`);
  expect(message.text).toContain("If this was not you");
  expect(message.text).toContain("/app/security");
  expect(message.html).not.toMatch(/<img|src=|<script/i);
}

async function notice(account: Account, kind: EmailKind): Promise<DeliveredMessage> {
  return lastMessageTo(account.user.email, kind);
}

async function passkeySignIn(authenticator: SoftwareAuthenticator, userAgent: string): Promise<Response> {
  const response = await authenticator.authenticate(await signinOptions());
  return api("/api/auth/passkey/verify", { json: { response }, headers: { "User-Agent": userAgent } });
}

describe("security notices", () => {
  it("a passkey added and a passkey removed each send a notice", async () => {
    const account = await signUp();
    const second = await SoftwareAuthenticator.create();
    const options = await api("/api/auth/passkeys/options", { method: "POST", cookie: account.cookie });
    const added = await api("/api/auth/passkeys/verify", {
      json: { response: await second.register(await options.json()) },
      cookie: account.cookie,
      headers: { "User-Agent": FIREFOX },
    });
    expect(added.status).toBe(201);
    expectNotice(await notice(account, "notice.passkey-added"), "A passkey was added", "Firefox on Linux");
    const { id } = (await added.json()) as { id: string };
    const removed = await api(`/api/auth/passkeys/${id}`, { method: "DELETE", cookie: account.cookie });
    expect(removed.status).toBe(204);
    expectNotice(
      await notice(account, "notice.passkey-removed"),
      "A passkey was removed",
      "an unrecognised browser or app",
    );
  });

  it("TOTP enabled and disabled each send a notice, never with the secret", async () => {
    const account = await signUpWithTotp();
    const enabled = await notice(account, "notice.totp-enabled");
    expectNotice(enabled, "An authenticator app was turned on", "an unrecognised browser or app");
    expect(enabled.text + enabled.html).not.toContain(account.secret);
    const off = await api("/api/auth/totp", { method: "DELETE", cookie: account.cookie });
    expect(off.status).toBe(204);
    expectNotice(
      await notice(account, "notice.totp-disabled"),
      "The authenticator app was turned off",
      "an unrecognised browser or app",
    );
  });

  it("regenerating recovery codes sends a notice that holds none of the codes", async () => {
    const account = await signUp();
    const response = await api("/api/auth/recovery-codes", { method: "POST", cookie: account.cookie });
    expect(response.status).toBe(200);
    const { codes } = (await response.json()) as { codes: string[] };
    const message = await notice(account, "notice.recovery-codes");
    expectNotice(message, "New recovery codes were generated", "an unrecognised browser or app");
    for (const code of codes) expect(message.text + message.html).not.toContain(code);
  });

  it("a sign-in from a browser the account never used sends one notice; the same browser again does not", async () => {
    const account = await signUp();
    expect(await messagesTo(account.user.email, "notice.new-device")).toHaveLength(0);
    expect((await passkeySignIn(account.authenticator, FIREFOX)).status).toBe(200);
    expectNotice(await notice(account, "notice.new-device"), "signed in", "Firefox on Linux");
    // A newer Firefox on the same system is the same kind of browser, not a new device.
    expect((await passkeySignIn(account.authenticator, FIREFOX.replaceAll("140", "141"))).status).toBe(200);
    expect(await messagesTo(account.user.email, "notice.new-device")).toHaveLength(1);
    expect((await passkeySignIn(account.authenticator, SAFARI)).status).toBe(200);
    const notices = await messagesTo(account.user.email, "notice.new-device");
    expect(notices).toHaveLength(2);
    expect(notices[1].text).toContain("Browser: Safari on iOS");
  });

  it("deleting the account sends a notice with the restore window; restoring sends another", async () => {
    const account = await signUp();
    const deleted = await api("/api/account", { method: "DELETE", cookie: account.cookie });
    expect(deleted.status).toBe(202);
    const { purgeAfter } = (await deleted.json()) as { purgeAfter: string };
    const scheduled = await notice(account, "notice.deletion-scheduled");
    expectNotice(scheduled, "Your Sightline account was deleted", "an unrecognised browser or app");
    expect(scheduled.text).toContain(`restore it until ${purgeAfter.replace("T", " ").slice(0, 16)} UTC`);
    expect(scheduled.text).toContain("/restore-account");
    const options = await api("/api/account/restore/options", { json: {} });
    const response = await account.authenticator.authenticate(await options.json());
    const restored = await api("/api/account/restore/verify", {
      json: { response },
      headers: { "User-Agent": SAFARI },
    });
    expect(restored.status).toBe(200);
    expectNotice(await notice(account, "notice.restored"), "was restored", "Safari on iOS");
  });
});
