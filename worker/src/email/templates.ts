// Every email Sightline sends, in one place: plain text first, a minimal HTML twin (no remote
// images, no tracking, no styles beyond inline basics). All wording is in STRINGS so that a second
// language is one more table. Notices say what happened, when, from which browser and what to do;
// they never carry a secret (recovery codes, TOTP seeds, tokens are shown only in the app).
import type { EmailKind } from "../../../db/schema/index.ts";

export type RenderedEmail = { subject: string; text: string; html: string };

/** What a notice reports: the moment (UTC) and the browser it came from, as describeBrowser says. */
export type NoticeContext = { at: Date; browser: string; appOrigin: string };

export type NoticeKind = Extract<EmailKind, `notice.${string}`>;

const IF_NOT_YOU =
  "If this was not you, sign in now, remove any passkey or authenticator you do not recognise and end the sessions you do not know at {security}. If you cannot sign in any more, use one of your recovery codes at {signin}.";
/** Where the general advice does not fit: a deleted account cannot sign in until restored. */
const IF_NOT_YOU_FOR: Partial<Record<NoticeKind, string>> = {
  "notice.deletion-scheduled":
    "If this was not you, restore your account now at {restore} with your passkey, then remove any passkey or authenticator you do not recognise and end the sessions you do not know at {security}.",
};

const STRINGS = {
  verification: {
    subject: "Confirm your email address for Sightline",
    body: "Confirm that {email} is your address by opening this link within {hours} hours:",
    after:
      "Until you do, you can use your account but cannot accept invitations. If you did not sign up for Sightline, ignore this message.",
  },
  "email-change": {
    subject: "Confirm your new email address for Sightline",
    body: "Confirm that {email} is the new address of your Sightline account by opening this link within {hours} hours:",
    after:
      "Your account keeps its current address until you do. If you did not ask for this, ignore this message.",
  },
  invitation: {
    subject: "You are invited to {tenant} on Sightline",
    body: "{inviter} invited {email} to the tenant {tenant} as {role}. Sign in or sign up with this address, then open this link (valid until {expires}, usable once):",
    after: "If you did not expect this invitation, ignore this message.",
  },
  notices: {
    "notice.passkey-added": "A passkey was added to your Sightline account.",
    "notice.passkey-removed": "A passkey was removed from your Sightline account.",
    "notice.totp-enabled": "An authenticator app was turned on for your Sightline account.",
    "notice.totp-disabled": "The authenticator app was turned off for your Sightline account.",
    "notice.recovery-codes":
      "New recovery codes were generated for your Sightline account; the previous ones no longer work. The codes are shown only in the app, never by email.",
    "notice.new-device":
      "Someone signed in to your Sightline account from a browser it had not been used from before.",
    "notice.email-change":
      "A change of your Sightline account's email address to {email} was requested. Your address changes once the new one is confirmed.",
    "notice.deletion-scheduled":
      "Your Sightline account was deleted. You can restore it until {until} at {restore}; after that it is erased for good.",
    "notice.restored": "Your Sightline account was restored: its deletion is cancelled.",
  } satisfies Record<NoticeKind, string>,
  noticeSubject: "Security notice: {what}",
  noticeDetails: "When: {at} (UTC)\nBrowser: {browser}",
  footer: "Sightline · {origin}",
} as const;

const NOTICE_SUBJECTS: Record<NoticeKind, string> = {
  "notice.passkey-added": "passkey added",
  "notice.passkey-removed": "passkey removed",
  "notice.totp-enabled": "authenticator app turned on",
  "notice.totp-disabled": "authenticator app turned off",
  "notice.recovery-codes": "new recovery codes",
  "notice.new-device": "sign-in from a new browser",
  "notice.email-change": "email address change requested",
  "notice.deletion-scheduled": "account deleted",
  "notice.restored": "account restored",
};

function fill(template: string, values: Record<string, string>): string {
  return template.replace(/\{(\w+)\}/g, (_, name: string) => values[name] ?? `{${name}}`);
}

function escapeHtml(text: string): string {
  return text.replace(
    /[&<>"']/g,
    (char) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[char]!,
  );
}

/** "2026-12-01 23:59": minutes, UTC (the emails say so). */
export const formatUtc = (at: Date) => at.toISOString().replace("T", " ").slice(0, 16);

/** Paragraphs (and at most one link) → the text and the HTML twin. */
function compose(
  subject: string,
  parts: { before: string[]; link?: string; after: string[] },
  origin: string,
): RenderedEmail {
  const footer = fill(STRINGS.footer, { origin });
  const text = [...parts.before, ...(parts.link ? [parts.link] : []), ...parts.after, `-- \n${footer}`].join(
    "\n\n",
  );
  const paragraph = (line: string) => `<p>${escapeHtml(line).replaceAll("\n", "<br>")}</p>`;
  const link = parts.link ? `<p><a href="${escapeHtml(parts.link)}">${escapeHtml(parts.link)}</a></p>` : "";
  const html = `<!doctype html><html><body style="font-family:sans-serif;line-height:1.5">${parts.before.map(paragraph).join("")}${link}${parts.after.map(paragraph).join("")}<p style="color:#666">${escapeHtml(footer)}</p></body></html>`;
  return { subject, text, html };
}

export function verificationEmail(input: {
  email: string;
  link: string;
  hours: number;
  change: boolean;
  appOrigin: string;
}): RenderedEmail {
  const strings = STRINGS[input.change ? "email-change" : "verification"];
  return compose(
    strings.subject,
    {
      before: [fill(strings.body, { email: input.email, hours: String(input.hours) })],
      link: input.link,
      after: [strings.after],
    },
    input.appOrigin,
  );
}

export function invitationEmail(input: {
  email: string;
  tenant: string;
  role: string;
  inviter: string;
  link: string;
  expiresAt: Date;
  appOrigin: string;
}): RenderedEmail {
  const { expiresAt, ...strings } = input;
  const values = { ...strings, expires: `${formatUtc(expiresAt)} UTC` };
  return compose(
    fill(STRINGS.invitation.subject, values),
    { before: [fill(STRINGS.invitation.body, values)], link: input.link, after: [STRINGS.invitation.after] },
    input.appOrigin,
  );
}

export function noticeEmail(
  kind: NoticeKind,
  context: NoticeContext,
  values: Record<string, string> = {},
): RenderedEmail {
  const links = {
    security: `${context.appOrigin}/app/security`,
    restore: `${context.appOrigin}/restore-account`,
    signin: `${context.appOrigin}/signin`,
  };
  const what = fill(STRINGS.notices[kind], { ...links, ...values });
  const details = fill(STRINGS.noticeDetails, { at: formatUtc(context.at), browser: context.browser });
  return compose(
    fill(STRINGS.noticeSubject, { what: NOTICE_SUBJECTS[kind] }),
    { before: [what, details], after: [fill(IF_NOT_YOU_FOR[kind] ?? IF_NOT_YOU, links)] },
    context.appOrigin,
  );
}
