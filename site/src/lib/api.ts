// The pages' one way to call the API: same-origin JSON with the session cookie, problem+json
// turned into a sentence a person can act on. Codes are the API's own (worker/src/error-codes.ts),
// plus NETWORK and ERROR for answers that never reached it or are not problem+json.
import type { ErrorCode } from "../../../worker/src/error-codes.ts";

export type ClientErrorCode = ErrorCode | "NETWORK" | "ERROR";
export type ApiResult<T> =
  | { ok: true; status: number; data: T }
  | { ok: false; status: number; code: ClientErrorCode; message: string };

const MESSAGES: Partial<Record<ErrorCode, string>> = {
  EMAIL_TAKEN: "An account with this email already exists. Sign in instead.",
  PASSKEY_VERIFICATION_FAILED:
    "That passkey could not be verified. Try again, or use another way to sign in.",
  TOTP_INVALID: "That code is wrong or was already used. Wait for the next code and try again.",
  RECOVERY_CODE_INVALID: "That recovery code is wrong or was already used.",
  TOO_MANY_ATTEMPTS: "Too many wrong codes. For your safety, sign-in with codes is paused",
  RATE_LIMITED: "Too many requests in a short time. Please wait and try again",
  SESSION_REQUIRED: "Your session has ended. Please sign in again.",
  REAUTH_REQUIRED: "Please confirm it's you first.",
  LAST_CREDENTIAL: "This is your last way to sign in. Add another passkey or an authenticator app first.",
  TOTP_ALREADY_ENABLED: "The authenticator app is already on. Turn it off first to set up a new one.",
  CSRF_REJECTED: "This request was blocked because it did not come from this site.",
  EMAIL_NOT_VERIFIED:
    "Confirm your email address first: open the link we emailed you, or send a new one from Security.",
  EMAIL_ALREADY_VERIFIED: "Your email address is already confirmed.",
  VERIFICATION_LINK_INVALID:
    "This confirmation link is not valid any more (a newer one may have been sent). Use the latest email, or send a new one from Security.",
  VERIFICATION_LINK_EXPIRED: "This confirmation link has expired. Send a new one from Security.",
  VERIFICATION_LINK_USED: "This confirmation link was already used.",
};

export async function api<T = unknown>(path: string, method = "GET", body?: unknown): Promise<ApiResult<T>> {
  let response: Response;
  let text: string;
  try {
    response = await fetch(path, {
      method,
      credentials: "same-origin",
      headers: body === undefined ? {} : { "Content-Type": "application/json" },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    // Inside the try: a streamed body (the account export) can break off after its headers.
    text = await response.text();
  } catch {
    return {
      ok: false,
      status: 0,
      code: "NETWORK",
      message: "Could not reach Sightline. Check your connection.",
    };
  }
  let data = null;
  try {
    data = text ? JSON.parse(text) : null;
  } catch {
    // Not JSON (e.g. a proxy's error page): fall through to the generic message.
  }
  if (response.ok) return { ok: true, status: response.status, data: data as T };
  const code: ClientErrorCode = data?.code ?? "ERROR";
  let message =
    (code in MESSAGES ? MESSAGES[code as ErrorCode] : undefined) ??
    data?.detail ??
    "Something went wrong. Please try again.";
  if (code === "TOO_MANY_ATTEMPTS" || code === "RATE_LIMITED") {
    const seconds = Number(response.headers.get("Retry-After") ?? 60);
    message += ` for ${seconds < 120 ? `${seconds} seconds` : `${Math.ceil(seconds / 60)} minutes`}.`;
  }
  return { ok: false, status: response.status, code, message };
}
