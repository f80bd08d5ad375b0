// Email verification and change (mounted at /api/auth/email). Verify needs only the link's token
// (the link may be opened on another device than the one signed in); resend and change are
// limited per account (rate-limit surface "email"), and a change needs a fresh session.
import { Hono } from "hono";
import * as v from "valibot";
import { recordAuditEvent } from "../auth/audit.ts";
import { isEmailTaken } from "../auth/users.ts";
import { sendNotice, sendVerificationEmail } from "../email/account-mail.ts";
import { isEmailVerified, verifyEmailToken } from "../email/verification.ts";
import type { AppEnv } from "../env.ts";
import { HttpError } from "../errors.ts";
import { csrf } from "../middleware/csrf.ts";
import { enforceRateLimit, limitAccountApi, limitAuthByIp } from "../middleware/rate-limit.ts";
import { requireFreshAuth, requireUser } from "../middleware/session.ts";
import { policyFor } from "../rate-limit/consume.ts";
import { accountKey } from "../rate-limit/keys.ts";
import { emailAddress, jsonBody, text } from "../request-schema.ts";

const REFUSALS = {
  INVALID: new HttpError(
    404,
    "VERIFICATION_LINK_INVALID",
    "This link is unknown or was replaced by a newer one",
  ),
  EXPIRED: new HttpError(410, "VERIFICATION_LINK_EXPIRED", "This link has expired; ask for a new one"),
  USED: new HttpError(410, "VERIFICATION_LINK_USED", "This link was already used"),
  EMAIL_TAKEN: new HttpError(409, "EMAIL_TAKEN", "Another account uses this email address now"),
};

const verification = jsonBody(v.strictObject({ token: text(64) }));
const emailChange = jsonBody(v.strictObject({ email: emailAddress }));

export const emailRoutes = new Hono<AppEnv>()
  // The link is opened by someone maybe not signed in (per IP); every action is per account too.
  .use("/verify", limitAuthByIp)
  .use("*", limitAccountApi)
  .use("*", csrf)
  .post("/verify", ...verification, async (c) => {
    const { token } = c.req.valid("json");
    const outcome = await verifyEmailToken(c.var.db, token, new Date());
    if (!outcome.ok) throw REFUSALS[outcome.reason];
    await recordAuditEvent(c.var.db, {
      action: outcome.email === outcome.previousEmail ? "auth.email_verified" : "auth.email_changed",
      actorUserId: outcome.userId,
      requestId: c.var.requestId,
    });
    return c.body(null, 204);
  })
  .post("/resend", requireUser, async (c) => {
    if (await isEmailVerified(c.var.db, c.var.user.id)) {
      throw new HttpError(409, "EMAIL_ALREADY_VERIFIED", "Your email address is already verified");
    }
    await enforceRateLimit(c, await accountKey(c.var.user.email, c.env.RATE_LIMIT_SALT), policyFor("email"));
    await sendVerificationEmail(c, c.var.user, { change: false });
    return c.body(null, 202);
  })
  .post("/change", requireFreshAuth, ...emailChange, async (c) => {
    const { email } = c.req.valid("json");
    if (email === c.var.user.email)
      throw new HttpError(400, "INVALID_REQUEST", "email: this is already your address");
    await enforceRateLimit(c, await accountKey(c.var.user.email, c.env.RATE_LIMIT_SALT), policyFor("email"));
    if (await isEmailTaken(c.var.db, email))
      throw new HttpError(409, "EMAIL_TAKEN", "An account with this email exists");
    await sendVerificationEmail(c, { id: c.var.user.id, email }, { change: true });
    // The current address hears of it first: a stolen session cannot move the account silently.
    await sendNotice(c, "notice.email-change", c.var.user, { email });
    await recordAuditEvent(c.var.db, {
      action: "auth.email_change_requested",
      actorUserId: c.var.user.id,
      requestId: c.var.requestId,
    });
    return c.body(null, 202);
  });
