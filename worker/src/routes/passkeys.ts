// Managing one's own passkeys: list, add (fresh session), rename, delete (fresh session; never the
// last way to sign in). Mounted at /api/auth/passkeys.
import type { RegistrationResponseJSON } from "@simplewebauthn/server";
import { Hono } from "hono";
import * as v from "valibot";
import { recordAuditEvent } from "../auth/audit.ts";
import { challengeOfResponse, consumeChallenge, storeChallenge } from "../auth/challenges.ts";
import { addPasskey, credentialsOf, deletePasskey, listPasskeys, renamePasskey } from "../auth/passkeys.ts";
import { findWebauthnUserId } from "../auth/users.ts";
import { registrationOptions, verifyRegistration } from "../auth/webauthn.ts";
import { sendNotice } from "../email/account-mail.ts";
import type { AppEnv } from "../env.ts";
import { HttpError } from "../errors.ts";
import { jsonBody, text, webauthnResponse } from "../request-schema.ts";
import { csrf } from "../middleware/csrf.ts";
import { requireFreshAuth, requireUser } from "../middleware/session.ts";
import { relyingParty } from "../auth/relying-party.ts";
import { limitAccountApi } from "../middleware/rate-limit.ts";

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const notFound = () => new HttpError(404, "NOT_FOUND", "No such passkey");

function passkeyId(id: string): string {
  if (!UUID.test(id)) throw notFound();
  return id;
}

const registration = jsonBody(webauthnResponse<RegistrationResponseJSON>());
const rename = jsonBody(v.strictObject({ name: text(100) }));

export const passkeyRoutes = new Hono<AppEnv>()
  .use("*", limitAccountApi)
  .use("*", csrf)
  .get("/", requireUser, async (c) => c.json(await listPasskeys(c.var.db, c.var.user.id)))
  .post("/options", requireFreshAuth, async (c) => {
    const webauthnUserId = await findWebauthnUserId(c.var.db, c.var.user.id);
    const existing = await credentialsOf(c.var.db, c.var.user.id);
    const options = await registrationOptions(
      relyingParty(c),
      { ...c.var.user, webauthnUserId: webauthnUserId! },
      existing,
    );
    await storeChallenge(c.var.db, {
      challenge: options.challenge,
      ceremony: "add-passkey",
      userId: c.var.user.id,
      sessionId: c.var.session.id,
      now: new Date(),
    });
    return c.json(options);
  })
  .post("/verify", requireFreshAuth, ...registration, async (c) => {
    const { response } = c.req.valid("json");
    const challenge = challengeOfResponse(response);
    const stored = challenge ? await consumeChallenge(c.var.db, challenge, "add-passkey", new Date()) : null;
    const credential =
      stored && stored.sessionId === c.var.session.id
        ? await verifyRegistration(relyingParty(c), response, stored.challenge)
        : null;
    const passkey = credential ? await addPasskey(c.var.db, c.var.user.id, credential) : null;
    await recordAuditEvent(c.var.db, {
      action: passkey ? "auth.passkey_added" : "auth.passkey_failed",
      actorUserId: c.var.user.id,
      requestId: c.var.requestId,
      details: passkey ? { passkeyId: passkey.id } : { ceremony: "add-passkey" },
    });
    if (!passkey)
      throw new HttpError(401, "PASSKEY_VERIFICATION_FAILED", "The passkey could not be verified");
    await sendNotice(c, "notice.passkey-added");
    return c.json(passkey, 201);
  })
  .patch("/:id", requireUser, ...rename, async (c) => {
    const { name } = c.req.valid("json");
    const passkey = await renamePasskey(c.var.db, c.var.user.id, passkeyId(c.req.param("id")), name);
    if (!passkey) throw notFound();
    return c.json(passkey);
  })
  .delete("/:id", requireFreshAuth, async (c) => {
    const id = passkeyId(c.req.param("id"));
    const outcome = await deletePasskey(c.var.db, c.var.user.id, id);
    if (outcome === "not-found") throw notFound();
    if (outcome === "last-credential") {
      throw new HttpError(409, "LAST_CREDENTIAL", "This is your last way to sign in; add another first");
    }
    await recordAuditEvent(c.var.db, {
      action: "auth.passkey_deleted",
      actorUserId: c.var.user.id,
      requestId: c.var.requestId,
      details: { passkeyId: id },
    });
    await sendNotice(c, "notice.passkey-removed");
    return c.body(null, 204);
  });
