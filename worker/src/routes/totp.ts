// TOTP as a second way to sign in: setup → enable with a code → sign in / step up with codes.
// Changes need a fresh session (REAUTH_REQUIRED); the secret is shown only by setup.
import { Hono, type Context } from "hono";
import * as v from "valibot";
import { recordAuditEvent } from "../auth/audit.ts";
import { keyRingFor } from "../auth/encryption.ts";
import { consumeTotpStep, createTotpSecret, matchTotpStep, totpUri } from "../auth/totp.ts";
import { disableTotp, enableTotp, loadTotpSecret, storePendingTotpSecret } from "../auth/totp-credentials.ts";
import { sendNotice } from "../email/account-mail.ts";
import type { AppEnv } from "../env.ts";
import { HttpError } from "../errors.ts";
import { jsonBody } from "../request-schema.ts";
import { csrf } from "../middleware/csrf.ts";
import { markReauthenticated, requireFreshAuth, requireUser } from "../middleware/session.ts";
import {
  checkCodeThrottled,
  code,
  codeSignIn,
  NO_ACCOUNT,
  signInWithCode,
  type CodeCheck,
} from "./code-sign-in.ts";
import { limitAccountApi, limitAuthByIp } from "../middleware/rate-limit.ts";

const codeOnly = jsonBody(v.strictObject({ code }));

/**
 * Verified against when there is no secret, so a missing account costs the same HMAC work. A
 * constant (randomness is not allowed at a Worker's global scope); it belongs to no account.
 */
const DECOY_SECRET = "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ";

function verifyTotpFor(c: Context<AppEnv>): CodeCheck {
  return async (userId, code, now) => {
    const ring = await keyRingFor(c.env.TOTP_ENCRYPTION_KEYS);
    const state = await loadTotpSecret(c.var.db, ring, userId ?? NO_ACCOUNT);
    if (!userId || !state?.enabled || !state.secret) {
      await matchTotpStep(DECOY_SECRET, code, now);
      return false;
    }
    const step = await matchTotpStep(state.secret, code, now);
    return step !== null && (await consumeTotpStep(c.var.db, userId, step));
  };
}

async function audit(c: Context<AppEnv>, action: string): Promise<void> {
  await recordAuditEvent(c.var.db, { action, actorUserId: c.var.user.id, requestId: c.var.requestId });
}

export const totp = new Hono<AppEnv>()
  // Signing in: per IP and, like every other TOTP action, per account.
  .use("/signin", limitAuthByIp)
  .use("*", limitAccountApi)
  .use("*", csrf)
  .post("/signin", ...codeSignIn, (c) => signInWithCode(c, c.req.valid("json"), "totp", verifyTotpFor(c)))
  .post("/setup", requireFreshAuth, async (c) => {
    const secret = await createTotpSecret();
    const ring = await keyRingFor(c.env.TOTP_ENCRYPTION_KEYS);
    if (!(await storePendingTotpSecret(c.var.db, ring, c.var.user.id, secret))) {
      throw new HttpError(409, "TOTP_ALREADY_ENABLED", "Turn off the authenticator app first");
    }
    return c.json({ secret, otpauthUri: await totpUri(c.env.RP_NAME, c.var.user.email, secret) });
  })
  .post("/enable", requireFreshAuth, ...codeOnly, async (c) => {
    const { code } = c.req.valid("json");
    const ring = await keyRingFor(c.env.TOTP_ENCRYPTION_KEYS);
    const state = await loadTotpSecret(c.var.db, ring, c.var.user.id);
    const now = new Date();
    const step =
      state && !state.enabled && state.secret ? await matchTotpStep(state.secret, code, now) : null;
    if (step === null || !(await enableTotp(c.var.db, c.var.user.id, step, now))) {
      throw new HttpError(400, "TOTP_INVALID", "Wrong code, or no authenticator app being set up");
    }
    await audit(c, "auth.totp_enabled");
    await sendNotice(c, "notice.totp-enabled");
    return c.body(null, 204);
  })
  .delete("/", requireFreshAuth, async (c) => {
    const outcome = await disableTotp(c.var.db, c.var.user.id);
    if (outcome === "last-credential") {
      throw new HttpError(409, "LAST_CREDENTIAL", "Add a passkey before turning off the authenticator app");
    }
    if (outcome === "deleted") {
      await audit(c, "auth.totp_disabled");
      await sendNotice(c, "notice.totp-disabled");
    }
    return c.body(null, 204);
  });

/** POST /api/auth/reauth/totp {code}: step-up with an authenticator code. */
export const totpReauth = new Hono<AppEnv>()
  .use("*", limitAccountApi, csrf)
  .post("/", requireUser, ...codeOnly, async (c) => {
    const { code } = c.req.valid("json");
    const { id, email } = c.var.user;
    await checkCodeThrottled(c, { email, userId: id, code, method: "totp" }, verifyTotpFor(c));
    await markReauthenticated(c, "totp");
    return c.body(null, 204);
  });
