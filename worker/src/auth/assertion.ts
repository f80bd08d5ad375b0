// Passkey assertions (sign-in, step-up, restore): checked against the stored challenge and the
// credential, every failure audited with its reason and answered with the same
// 401 PASSKEY_VERIFICATION_FAILED (no oracle for which check failed).
import type { AuthenticationResponseJSON } from "@simplewebauthn/server";
import type { Context } from "hono";
import type { Db } from "../../../db/client.ts";
import { inOneRoundTrip, type Tx } from "../../../db/scope.ts";
import type { AppEnv } from "../env.ts";
import { HttpError } from "../errors.ts";
import { recordAuditEvent } from "./audit.ts";
import { challengeOfResponse, consumeChallenge, type Ceremony } from "./challenges.ts";
import { findPasskeyByCredentialId, recordPasskeyUse } from "./passkeys.ts";
import { relyingParty } from "./relying-party.ts";
import { verifyAuthentication } from "./webauthn.ts";

/** Audits a failed ceremony and answers the one generic failure. */
export async function failPasskey(
  c: Context<AppEnv>,
  ceremony: Ceremony,
  reason: string,
  userId: string | null,
): Promise<never> {
  await recordAuditEvent(c.var.db, {
    action: `auth.passkey_failed`,
    actorUserId: userId,
    requestId: c.var.requestId,
    details: { ceremony, reason },
  });
  throw new HttpError(401, "PASSKEY_VERIFICATION_FAILED", "The passkey could not be verified");
}

/**
 * Verifies an assertion for `ceremony` against the stored challenge: the credential must exist,
 * belong to the challenge's user when it names one, and match the userHandle the authenticator
 * returned. A counter regression is audited on its own.
 * A disabled account passes only the "restore" ceremony (routes/account.ts), which then restores it
 * only if its deletion is still pending.
 */
export async function verifyAssertion(
  c: Context<AppEnv>,
  ceremony: Ceremony,
  response: AuthenticationResponseJSON,
) {
  const challenge = challengeOfResponse(response);
  // Consuming the challenge and finding the credential: independent, so one round trip.
  const [stored, passkey] = await inOneRoundTrip(c.var.db, (tx) =>
    Promise.all([
      challenge ? consumeChallenge(tx, challenge, ceremony, new Date()) : null,
      typeof response.id === "string" ? findPasskeyByCredentialId(tx, response.id) : null,
    ]),
  );
  if (!stored) return failPasskey(c, ceremony, "unknown-or-expired-challenge", null);
  if (!passkey || (passkey.disabledAt && ceremony !== "restore"))
    return failPasskey(c, ceremony, "unknown-credential", stored.userId);
  if (stored.userId && stored.userId !== passkey.userId)
    return failPasskey(c, ceremony, "credential-of-another-user", stored.userId);
  const userHandle = response.response?.userHandle;
  if (userHandle && userHandle !== passkey.webauthnUserId)
    return failPasskey(c, ceremony, "user-handle-mismatch", passkey.userId);
  const result = await verifyAuthentication(relyingParty(c), response, stored.challenge, passkey);
  if (!result.ok) {
    const action = result.reason === "counter-regression" ? "counter-regression" : "invalid-assertion";
    return failPasskey(c, ceremony, action, passkey.userId);
  }
  // The new counter is stored by the caller (recordUse), in the same round trip as what it does
  // next where it can (a sign-in: with the new session).
  const recordUse = (db: Db | Tx) =>
    recordPasskeyUse(db, passkey.id, result.newCounter, result.backedUp, new Date());
  return { passkey, stored, recordUse };
}
