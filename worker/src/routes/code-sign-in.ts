// The shared shape of every code check (TOTP sign-in, recovery-code sign-in, TOTP step-up):
// throttled per account in Postgres and per IP, all failures together under a global budget
// (rate-limit/code-failures.ts), failures counted and audited, unknown emails answered exactly
// like wrong codes.
import type { Context } from "hono";
import * as v from "valibot";
import { recordAuditEvent } from "../auth/audit.ts";
import type { SignInMethod } from "../auth/sessions.ts";
import { accountKey, clearFailures, recordFailure, throttleDelay } from "../auth/sign-in-throttle.ts";
import { findUserByEmail } from "../auth/users.ts";
import type { AppEnv } from "../env.ts";
import { HttpError } from "../errors.ts";
import { jsonBody, text } from "../request-schema.ts";
import { limitSignInAttempts } from "../middleware/rate-limit.ts";
import { assertCodeFailureBudget, countCodeFailure } from "../rate-limit/code-failures.ts";
import { startSession } from "../middleware/session.ts";

/**
 * Stands in for the user id when there is no account, so an unknown email runs the same queries
 * as a known one (same timing class); no user has this id.
 */
export const NO_ACCOUNT = "00000000-0000-0000-0000-000000000000";

/** Checks a code for a user (null: no such account, so only a decoy check runs). */
export type CodeCheck = (userId: string | null, code: string, now: Date) => Promise<boolean>;

const INVALID: Record<Exclude<SignInMethod, "passkey">, HttpError> = {
  totp: new HttpError(401, "TOTP_INVALID", "Wrong or already used code"),
  recovery: new HttpError(401, "RECOVERY_CODE_INVALID", "Wrong or already used recovery code"),
};

/**
 * Runs `check` unless the account is throttled (429 + Retry-After). False answers are counted
 * against the account and audited; true clears the count.
 */
export async function checkCodeThrottled(
  c: Context<AppEnv>,
  input: { email: string; userId: string | null; code: string; method: Exclude<SignInMethod, "passkey"> },
  check: CodeCheck,
): Promise<void> {
  const key = await accountKey(input.email);
  const now = new Date();
  const wait = await throttleDelay(c.var.db, key, now);
  if (wait > 0) {
    throw new HttpError(429, "TOO_MANY_ATTEMPTS", "Too many wrong codes; try again later", {
      "Retry-After": String(wait),
    });
  }
  // Exact under concurrency, where the count above is not: parallel guesses cannot all pass.
  await limitSignInAttempts(c, input.email);
  await assertCodeFailureBudget(c.env, c.var.requestId);
  if (await check(input.userId, input.code, now)) {
    await clearFailures(c.var.db, key);
    return;
  }
  await recordFailure(c.var.db, key, now);
  await countCodeFailure(c.env, c.var.requestId);
  await recordAuditEvent(c.var.db, {
    action: "auth.code_failed",
    actorUserId: input.userId,
    requestId: c.var.requestId,
    details: { method: input.method },
  });
  throw INVALID[input.method];
}

/** A code in a request body ({code}: step-up; with the email: sign-in). */
export const code = text(32);
/** Not checked for plausibility: an unknown email must be answered like a wrong code. */
export const codeSignIn = jsonBody(v.strictObject({ email: v.pipe(text(254), v.toLowerCase()), code }));

/** {email, code} → a session, for the TOTP and recovery-code fallbacks. */
export async function signInWithCode(
  c: Context<AppEnv>,
  { email, code }: { email: string; code: string },
  method: Exclude<SignInMethod, "passkey">,
  check: CodeCheck,
): Promise<Response> {
  const user = await findUserByEmail(c.var.db, email);
  await checkCodeThrottled(c, { email, userId: user?.id ?? null, code, method }, check);
  const signedIn = { id: user!.id, email: user!.email, name: user!.name };
  await startSession(c, signedIn, method);
  return c.json({ user: signedIn });
}
