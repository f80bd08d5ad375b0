// Sign-up and passkey sign-in, logout, and passkey step-up (API.md "Accounts and sessions").
// Every passkey failure answers the same 401 PASSKEY_VERIFICATION_FAILED; the reason goes to the
// audit log only.
import type { AuthenticationResponseJSON, RegistrationResponseJSON } from "@simplewebauthn/server";
import { Hono, type Context } from "hono";
import * as v from "valibot";
import { recordAuditEvent } from "../auth/audit.ts";
import {
  challengeOfResponse,
  consumeChallenge,
  storeChallenge,
  type Ceremony,
  type StoredChallenge,
} from "../auth/challenges.ts";
import { credentialsOf, providerName } from "../auth/passkeys.ts";
import { deleteSession } from "../auth/sessions.ts";
import { sendVerificationEmail } from "../email/account-mail.ts";
import {
  createUserWithPasskey,
  findUserByEmail,
  generateWebauthnUserId,
  isEmailTaken,
} from "../auth/users.ts";
import { authenticationOptions, registrationOptions, verifyRegistration } from "../auth/webauthn.ts";
import type { AppEnv } from "../env.ts";
import { HttpError } from "../errors.ts";
import { emailAddress, jsonBody, text, webauthnResponse } from "../request-schema.ts";
import { csrf } from "../middleware/csrf.ts";
import {
  clearSessionCookie,
  loadSession,
  markReauthenticated,
  requireUser,
  startSession,
} from "../middleware/session.ts";
import { failPasskey, verifyAssertion } from "../auth/assertion.ts";
import { relyingParty } from "../auth/relying-party.ts";
import { limitAccountApi, limitAuthByIp } from "../middleware/rate-limit.ts";

const signUp = jsonBody(v.strictObject({ name: text(100), email: emailAddress }));
const registration = jsonBody(webauthnResponse<RegistrationResponseJSON>());
/** The email is optional, and never checked for plausibility: no account enumeration. */
export const assertionOptions = jsonBody(
  v.strictObject({ email: v.optional(v.pipe(text(254), v.toLowerCase())) }),
);
export const assertion = jsonBody(webauthnResponse<AuthenticationResponseJSON>());

/** The stored challenge a response answers, consumed; a failure is audited and answered generically. */
async function takeChallenge(
  c: Context<AppEnv>,
  response: unknown,
  ceremony: Ceremony,
): Promise<StoredChallenge> {
  const challenge = challengeOfResponse(response);
  const stored = challenge ? await consumeChallenge(c.var.db, challenge, ceremony, new Date()) : null;
  if (!stored) await failPasskey(c, ceremony, "unknown-or-expired-challenge", null);
  return stored!;
}

export const auth = new Hono<AppEnv>()
  // Per connecting IP for the ceremonies nobody is signed in for yet, per account otherwise
  // (docs/rate-limiting.md); /reauth/totp, /totp, /passkeys and /email are limited by their routers.
  .use("/signup/*", limitAuthByIp)
  .use("/passkey/*", limitAuthByIp)
  .use("/logout", limitAccountApi)
  .use("/reauth/passkey/*", limitAccountApi)
  .use("*", csrf)
  .post("/signup/options", ...signUp, async (c) => {
    const { email, name } = c.req.valid("json");
    if (await isEmailTaken(c.var.db, email))
      throw new HttpError(409, "EMAIL_TAKEN", "An account with this email exists");
    const pending = { email, name, webauthnUserId: generateWebauthnUserId() };
    const options = await registrationOptions(relyingParty(c), pending, []);
    await storeChallenge(c.var.db, {
      challenge: options.challenge,
      ceremony: "signup",
      pending,
      now: new Date(),
    });
    return c.json(options);
  })
  .post("/signup/verify", loadSession, ...registration, async (c) => {
    const { response } = c.req.valid("json");
    const stored = await takeChallenge(c, response, "signup");
    const credential = await verifyRegistration(relyingParty(c), response, stored.challenge);
    if (!credential || !stored.pending) return failPasskey(c, "signup", "invalid-attestation", null);
    const user = await createUserWithPasskey(
      c.var.db,
      stored.pending,
      credential,
      providerName(credential.aaguid),
    );
    if (user === "email-taken") throw new HttpError(409, "EMAIL_TAKEN", "An account with this email exists");
    if (user === "credential-taken") return failPasskey(c, "signup", "credential-already-registered", null);
    await recordAuditEvent(c.var.db, {
      action: "auth.signup",
      actorUserId: user.id,
      requestId: c.var.requestId,
    });
    await startSession(c, user, "passkey");
    await sendVerificationEmail(c, user, { change: false });
    return c.json({ user }, 201);
  })
  .post("/passkey/options", ...assertionOptions, async (c) => {
    const { email } = c.req.valid("json");
    // With an email the challenge only completes for that account; the options never list its
    // credentials (every passkey here is discoverable), so a known and an unknown email get the
    // same answer after the same single query: no account enumeration (docs/accounts.md).
    const user = email ? await findUserByEmail(c.var.db, email) : null;
    const options = await authenticationOptions(relyingParty(c), []);
    await storeChallenge(c.var.db, {
      challenge: options.challenge,
      ceremony: "signin",
      userId: user?.id,
      now: new Date(),
    });
    return c.json(options);
  })
  .post("/passkey/verify", loadSession, ...assertion, async (c) => {
    const { passkey, recordUse } = await verifyAssertion(c, "signin", c.req.valid("json").response);
    const user = { id: passkey.userId, email: passkey.email, name: passkey.name };
    await startSession(c, user, "passkey", recordUse);
    return c.json({ user });
  })
  .post("/logout", loadSession, async (c) => {
    if (c.var.session) {
      await deleteSession(c.var.db, c.var.session.id);
      await recordAuditEvent(c.var.db, {
        action: "auth.logout",
        actorUserId: c.var.user.id,
        requestId: c.var.requestId,
        details: { sessionId: c.var.session.id },
      });
    }
    clearSessionCookie(c);
    return c.body(null, 204);
  })
  .post("/reauth/passkey/options", requireUser, async (c) => {
    const options = await authenticationOptions(
      relyingParty(c),
      await credentialsOf(c.var.db, c.var.user.id),
    );
    await storeChallenge(c.var.db, {
      challenge: options.challenge,
      ceremony: "reauth",
      userId: c.var.user.id,
      sessionId: c.var.session.id,
      now: new Date(),
    });
    return c.json(options);
  })
  .post("/reauth/passkey/verify", requireUser, ...assertion, async (c) => {
    const { stored, recordUse } = await verifyAssertion(c, "reauth", c.req.valid("json").response);
    await recordUse(c.var.db);
    if (stored.sessionId !== c.var.session.id)
      return failPasskey(c, "reauth", "challenge-of-another-session", c.var.user.id);
    await markReauthenticated(c, "passkey");
    return c.body(null, 204);
  });
