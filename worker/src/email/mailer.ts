// The one mailer: Cloudflare Email Service through the `send_email` binding EMAIL (wrangler.toml).
// wrangler dev and the Workers test integration simulate that binding: each message is written to
// files (text and HTML) whose paths wrangler logs, and nothing leaves the machine. Callers never
// come here directly: they queue through outbox.ts, which retries and never logs a message.
import type { RenderedEmail } from "./templates.ts";

/** Sends one message; resolves with Email Service's Message-ID, rejects when it was not accepted. */
export async function sendThroughEmailService(
  env: Pick<Env, "EMAIL" | "EMAIL_FROM" | "RP_NAME">,
  to: string,
  message: RenderedEmail,
): Promise<string> {
  const { messageId } = await env.EMAIL.send({
    from: { email: env.EMAIL_FROM, name: env.RP_NAME },
    to,
    subject: message.subject,
    text: message.text,
    html: message.html,
  });
  return messageId;
}
