// Outgoing email is pluggable. The only sender today is the console (dev): it prints the link so
// a developer can follow it. Elsewhere nothing is sent (the admin copies the link from the
// dashboard) and nothing secret is logged: invitation links are credentials.
export type InvitationMail = { to: string; tenantName: string; role: string; link: string; expiresAt: Date };

export interface Mailer {
  sendInvitation(mail: InvitationMail): Promise<void>;
}

export const consoleMailer: Mailer = {
  async sendInvitation(mail) {
    console.log(JSON.stringify({ msg: "invitation email (dev console mailer)", ...mail }));
  },
};

export const noMailer: Mailer = {
  async sendInvitation() {},
};

/** The dev origin gets the console mailer; a real provider plugs in here. */
export function mailerFor(appOrigin: string): Mailer {
  return new URL(appOrigin).hostname === "localhost" ? consoleMailer : noMailer;
}
