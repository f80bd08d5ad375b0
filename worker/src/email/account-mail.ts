// What the account routes send: verification links and security notices to the account's own
// address, queued through the outbox (never awaited by the action beyond one attempt).
import type { Context } from "hono";
import { sql } from "drizzle-orm";
import type { Db } from "../../../db/client.ts";
import type { Tx } from "../../../db/scope.ts";
import type { AppEnv } from "../env.ts";
import { describeBrowser } from "./browser.ts";
import { sendEmail } from "./outbox.ts";
import { noticeEmail, verificationEmail, type NoticeKind } from "./templates.ts";
import { issueVerification, verificationLink, VERIFICATION_TTL_MS } from "./verification.ts";

export type Recipient = { id: string; email: string };

const browserOf = (c: Context<AppEnv>) => describeBrowser(c.req.header("User-Agent") ?? "");

/** A verification link to `email` (the account's address, or the one it is changing to). */
export async function sendVerificationEmail(
  c: Context<AppEnv>,
  user: Recipient,
  options: { change: boolean },
): Promise<void> {
  const { token } = await issueVerification(c.var.db, {
    userId: user.id,
    email: user.email,
    now: new Date(),
  });
  const message = verificationEmail({
    email: user.email,
    link: verificationLink(c.env.APP_ORIGIN, token),
    hours: VERIFICATION_TTL_MS / 3600_000,
    change: options.change,
    appOrigin: c.env.APP_ORIGIN,
  });
  const kind = options.change ? "email-change" : "verification";
  await sendEmail(c.var.db, c.env, { kind, to: user.email, userId: user.id, message });
}

/** A security notice about what this request just did, from this request's browser. */
export async function sendNotice(
  c: Context<AppEnv>,
  kind: NoticeKind,
  user: Recipient = c.var.user,
  values: Record<string, string> = {},
): Promise<void> {
  const context = { at: new Date(), browser: browserOf(c), appOrigin: c.env.APP_ORIGIN };
  const message = noticeEmail(kind, context, values);
  await sendEmail(c.var.db, c.env, { kind, to: user.email, userId: user.id, message });
}

/**
 * Records the browser of a sign-in and says whether it deserves a notice: the first sign-in ever
 * (sign-up) only records it, a browser the account has not used before is new. One statement, so
 * that the sign-in can send it in its own batch (startSession).
 */
export async function recordSignInBrowser(
  db: Db | Tx,
  c: Context<AppEnv>,
  userId: string,
  now: Date,
): Promise<{ newBrowser: boolean }> {
  const result = await db.execute<{ inserted: boolean; known: number }>(sql`
    with known as (select count(*)::int as n from known_devices where user_id = ${userId}),
    seen as (
      insert into known_devices (user_id, browser, first_seen_at, last_seen_at)
      values (${userId}, ${browserOf(c)}, ${now}, ${now})
      on conflict (user_id, browser) do update set last_seen_at = excluded.last_seen_at
      returning (xmax = 0) as inserted
    )
    select seen.inserted, known.n as known from seen, known`);
  const row = result.rows[0];
  return { newBrowser: Boolean(row?.inserted) && (row?.known ?? 0) > 0 };
}
