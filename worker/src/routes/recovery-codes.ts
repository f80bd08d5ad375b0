// Recovery codes: the last-resort sign-in. Generating a set (fresh session required) voids the
// previous one; each code signs in once, throttled like TOTP codes.
import { Hono } from "hono";
import { recordAuditEvent } from "../auth/audit.ts";
import { replaceRecoveryCodes, useRecoveryCode } from "../auth/recovery-codes.ts";
import { sendNotice } from "../email/account-mail.ts";
import type { AppEnv } from "../env.ts";
import { csrf } from "../middleware/csrf.ts";
import { requireFreshAuth } from "../middleware/session.ts";
import { codeSignIn, NO_ACCOUNT, signInWithCode } from "./code-sign-in.ts";
import { limitAccountApi, limitAuthByIp } from "../middleware/rate-limit.ts";

export const recoveryCodes = new Hono<AppEnv>()
  // Mounted at /api/auth beside other routers: the limits name their own paths, not "*".
  .use("/recovery/signin", limitAuthByIp)
  .use("/recovery-codes", limitAccountApi)
  .use("*", csrf)
  .post("/recovery/signin", ...codeSignIn, (c) =>
    signInWithCode(c, c.req.valid("json"), "recovery", (userId, code) =>
      useRecoveryCode(c.var.db, userId ?? NO_ACCOUNT, code),
    ),
  )
  .post("/recovery-codes", requireFreshAuth, async (c) => {
    const codes = await replaceRecoveryCodes(c.var.db, c.var.user.id);
    await recordAuditEvent(c.var.db, {
      action: "auth.recovery_codes_generated",
      actorUserId: c.var.user.id,
      requestId: c.var.requestId,
    });
    // The notice says that it happened; the codes themselves are only ever in this response.
    await sendNotice(c, "notice.recovery-codes");
    return c.json({ codes });
  });
