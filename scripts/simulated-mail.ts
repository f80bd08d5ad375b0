// Reading what Cloudflare's local simulation of the `send_email` binding wrote. Miniflare (inside
// wrangler dev and inside the Workers test integration) writes each message's text and HTML bodies
// to `<miniflare temp dir>/email/email-text/<Message-ID>.txt` and `…/email-html/<Message-ID>.html`,
// and logs those paths. Runs in Node: the Worker tests reach it through a service binding
// (vitest.config.ts), the e2e tests and `npm run dev` read the paths wrangler logs.
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

export type SimulatedMessage = { text: string; html: string };

/** The file name miniflare gives a message: its Message-ID without the angle brackets. */
const storageId = (messageId: string) => messageId.replace(/^<|>$/g, "");

/**
 * The bodies of the message Email Service answered `messageId` for, or null while miniflare has
 * not written them yet (it writes after `send()` resolves). Message-IDs are random, so looking in
 * every miniflare temp directory finds exactly one.
 */
export function findSimulatedMessage(messageId: string): SimulatedMessage | null {
  const id = storageId(messageId);
  if (!/^[A-Za-z0-9._-]+@[A-Za-z0-9.-]+$/.test(id)) throw new Error(`not a Message-ID: ${messageId}`);
  for (const dir of readdirSync(tmpdir()).filter((name) => name.startsWith("miniflare-"))) {
    const text = join(tmpdir(), dir, "email", "email-text", `${id}.txt`);
    const html = join(tmpdir(), dir, "email", "email-html", `${id}.html`);
    if (existsSync(text) && existsSync(html)) {
      return { text: readFileSync(text, "utf8"), html: readFileSync(html, "utf8") };
    }
  }
  return null;
}

/** The `MAILBOX` service binding of the Worker tests: GET /?messageId=… → 200 JSON or 404. */
export async function mailboxService(request: Request): Promise<Response> {
  const messageId = new URL(request.url).searchParams.get("messageId") ?? "";
  const message = findSimulatedMessage(messageId);
  return message ? Response.json(message) : new Response("not written (yet)", { status: 404 });
}

/** One message as wrangler dev logs it (`send_email binding called with MessageBuilder: …`). */
export type LoggedMessage = { to: string; subject: string; textPath: string; htmlPath: string };

// ANSI colour codes (wrangler colours the first line), so that the log parses the same either way.
const ANSI = new RegExp(String.raw`\u001b\[[0-9;]*m`, "g");

/**
 * Follows wrangler dev's output and calls `onMessage` for every simulated email it reports.
 * Returns the function to feed output chunks to.
 */
export function simulatedMailReader(onMessage: (message: LoggedMessage) => void): (chunk: string) => void {
  let buffer = "";
  return (chunk) => {
    buffer += chunk.replace(ANSI, "");
    const pattern =
      /send_email binding called with MessageBuilder:\s*\nFrom: [^\n]*\nTo: ([^\n]*)\nSubject: ([^\n]*)\n\s*\nText: ([^\n]*)\nHTML: ([^\n]*)\n/;
    for (let match = pattern.exec(buffer); match; match = pattern.exec(buffer)) {
      onMessage({
        to: match[1].trim(),
        subject: match[2].trim(),
        textPath: match[3].trim(),
        htmlPath: match[4].trim(),
      });
      buffer = buffer.slice(match.index + match[0].length);
    }
    // Keep a bounded tail: a block is a few hundred bytes.
    if (buffer.length > 16_000) buffer = buffer.slice(-8_000);
  };
}
