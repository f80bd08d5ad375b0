// The global budget of wrong sign-in codes (TOTP and recovery codes, every account, every IP).
// Per-account and per-IP limits stop guessing one account or guessing from one address; spraying
// a few guesses at each of many accounts from many addresses passes both. This budget counts
// those failures together: once it is spent, every code check waits (429 with Retry-After) until
// it refills, and an alert is logged. Passkey sign-in is not affected. Fails open (policies.ts).
import { describeError, HttpError } from "../errors.ts";
import { consume, policyFor, withTimeout } from "./consume.ts";
import { CODE_FAILURES_KEY } from "./keys.ts";

const POLICY = policyFor("codes");

/** 429 while the budget is spent; nothing when it is not, or when the limiter cannot say. */
export async function assertCodeFailureBudget(env: Env, requestId: string): Promise<void> {
  let state;
  try {
    const limiter = env.RATE_LIMITER.getByName(CODE_FAILURES_KEY);
    state = (await withTimeout(limiter.inspect({ codes: POLICY.quota }))).codes;
  } catch (error) {
    console.warn(
      JSON.stringify({
        msg: "code failure budget unavailable: admitted",
        requestId,
        error: describeError(error),
      }),
    );
    return;
  }
  if (state.remaining > 0) return;
  throw new HttpError(429, "TOO_MANY_ATTEMPTS", "Too many wrong codes are being tried; try again later", {
    "Retry-After": String(Math.max(state.resetSeconds, 1)),
  });
}

/** Spends one unit per wrong code; the failure that spends the last one raises the alert. */
export async function countCodeFailure(env: Env, requestId: string): Promise<void> {
  const outcome = await consume(env, CODE_FAILURES_KEY, POLICY, 1);
  if (outcome.available && outcome.decision.allowed && outcome.decision.remaining > 0) return;
  console.error(
    JSON.stringify({
      msg: "alert: global sign-in code failure budget spent (credential spraying?)",
      requestId,
      budget: POLICY.quota,
      limiterAvailable: outcome.available,
    }),
  );
}
