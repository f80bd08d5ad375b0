// The caller's own data (API.md "Account data"; docs/privacy-operations.md): export it, delete the
// account, or restore it while its deletion is pending. Export and deletion need a fresh sign-in
// (≤ 10 minutes), and each fresh sign-in is good for one export. Restoring is a passkey ceremony
// of its own: a pending-deletion account cannot sign in, so proving the passkey *and* calling
// restore is the confirmation.
import { Hono, type Context } from "hono";
import { CONNECTION_NAMES, createWorkerDb } from "../../../db/client.ts";
import { recordAuditEvent } from "../auth/audit.ts";
import { storeChallenge } from "../auth/challenges.ts";
import { authenticationOptions } from "../auth/webauthn.ts";
import { sendNotice } from "../email/account-mail.ts";
import { formatUtc } from "../email/templates.ts";
import type { AppEnv } from "../env.ts";
import { describeError, HttpError } from "../errors.ts";
import { csrf, refuseCrossSite } from "../middleware/csrf.ts";
import { clearSessionCookie, loadSession, requireFreshAuth, startSession } from "../middleware/session.ts";
import { accountExportChunks } from "../privacy/account-export.ts";
import { findRestorableAccount, requestAccountDeletion, restoreAccount } from "../privacy/account-erasure.ts";
import { spendExportGrant } from "../privacy/export-grants.ts";
import { verifyAssertion } from "../auth/assertion.ts";
import { assertion, assertionOptions } from "./auth.ts";
import { relyingParty } from "../auth/relying-party.ts";
import { limitAccountApi, limitAuthByIp } from "../middleware/rate-limit.ts";

/**
 * A streamed body over the export's chunks. It has its own pool: the request's pool is ended when
 * the handler returns, long before a large export has been read. The first chunk is produced
 * before the response starts, so an early database failure is still a proper 500.
 */
async function exportStream(c: Context<AppEnv>): Promise<ReadableStream<Uint8Array>> {
  const { db, pool } = createWorkerDb(c.env, CONNECTION_NAMES.api);
  const chunks = accountExportChunks(db, {
    userId: c.var.user.id,
    now: new Date(),
    rumTenantId: c.env.RUM_TENANT_ID || null,
  });
  const encoder = new TextEncoder();
  const finish = () => c.executionCtx.waitUntil(pool.end());
  let first: IteratorResult<string>;
  try {
    first = await chunks.next();
  } catch (error) {
    finish();
    throw error;
  }
  let pending: IteratorResult<string> | null = first;
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      try {
        const next = pending ?? (await chunks.next());
        pending = null;
        if (next.done) {
          controller.close();
          finish();
        } else controller.enqueue(encoder.encode(next.value));
      } catch (error) {
        console.error(
          JSON.stringify({
            msg: "account export failed",
            requestId: c.var.requestId,
            error: describeError(error),
          }),
        );
        controller.error(error);
        finish();
      }
    },
    async cancel() {
      await chunks.return(undefined);
      finish();
    },
  });
}

export const account = new Hono<AppEnv>()
  // Restoring is signing in again (per IP); every account action is also per account.
  .use("/restore/*", limitAuthByIp)
  .use("*", limitAccountApi)
  .use("*", csrf)
  .get("/export", refuseCrossSite, requireFreshAuth, async (c) => {
    if (!(await spendExportGrant(c.var.db, c.var.session, new Date()))) {
      throw new HttpError(403, "REAUTH_REQUIRED", "Each download needs a fresh confirmation that it's you");
    }
    await recordAuditEvent(c.var.db, {
      action: "account.exported",
      actorUserId: c.var.user.id,
      requestId: c.var.requestId,
    });
    const day = new Date().toISOString().slice(0, 10);
    return c.body(await exportStream(c), 200, {
      "Content-Type": "application/json; charset=utf-8",
      "Content-Disposition": `attachment; filename="sightline-account-${day}.json"`,
    });
  })
  .delete("/", requireFreshAuth, async (c) => {
    const result = await requestAccountDeletion(c.var.db, {
      userId: c.var.user.id,
      requestId: c.var.requestId,
      now: new Date(),
    });
    if (!result.ok) {
      const names = result.tenants.map((tenant) => `"${tenant.name}"`).join(", ");
      throw new HttpError(
        409,
        "LAST_OWNER",
        `You are the last owner of ${names}, which other people belong to. Make one of them an owner (or remove them), then delete your account.`,
      );
    }
    clearSessionCookie(c);
    await sendNotice(c, "notice.deletion-scheduled", c.var.user, {
      until: `${formatUtc(result.purgeAfter)} UTC`,
    });
    return c.json(
      {
        status: "scheduled" as const,
        purgeAfter: result.purgeAfter,
        tenantsToDelete: result.tenantsToDelete,
      },
      202,
    );
  })
  .post("/restore/options", ...assertionOptions, async (c) => {
    const { email } = c.req.valid("json");
    const now = new Date();
    // With an email the challenge only completes for a restorable account of that email; like
    // sign-in, the options never list credentials, so they do not tell whether such an account exists.
    const restorable = email ? await findRestorableAccount(c.var.db, email, now) : null;
    const options = await authenticationOptions(relyingParty(c), []);
    await storeChallenge(c.var.db, {
      challenge: options.challenge,
      ceremony: "restore",
      userId: restorable?.id,
      now,
    });
    return c.json(options);
  })
  .post("/restore/verify", loadSession, ...assertion, async (c) => {
    const { passkey, recordUse } = await verifyAssertion(c, "restore", c.req.valid("json").response);
    await recordUse(c.var.db);
    const restored = await restoreAccount(c.var.db, {
      userId: passkey.userId,
      requestId: c.var.requestId,
      now: new Date(),
    });
    if (!restored)
      throw new HttpError(409, "NOT_RESTORABLE", "This account has no pending deletion to cancel");
    const user = { id: passkey.userId, email: passkey.email, name: passkey.name };
    await startSession(c, user, "passkey");
    await sendNotice(c, "notice.restored", user);
    return c.json({ user });
  });
