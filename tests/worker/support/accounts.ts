// Account helpers for Worker tests: same-origin JSON calls with a cookie jar of one, and sign-up
// through the real ceremony with a software authenticator.
import type {
  PublicKeyCredentialCreationOptionsJSON,
  PublicKeyCredentialRequestOptionsJSON,
} from "@simplewebauthn/server";
import { expect } from "vitest";
import { call, ORIGIN } from "../helpers.ts";
import { SoftwareAuthenticator } from "./software-authenticator.ts";

export const SESSION_COOKIE = "__Host-sightline_session";

export type ApiInit = {
  method?: string;
  json?: unknown;
  cookie?: string | null;
  headers?: Record<string, string>;
};

/** A same-origin browser-like request: Origin is the app's, JSON body, optional session cookie. */
export function api(path: string, init: ApiInit = {}): Promise<Response> {
  const headers: Record<string, string> = { Origin: ORIGIN, ...init.headers };
  if (init.json !== undefined) headers["Content-Type"] = "application/json";
  if (init.cookie) headers.Cookie = `${SESSION_COOKIE}=${init.cookie}`;
  return call(path, {
    method: init.method ?? (init.json === undefined ? "GET" : "POST"),
    headers,
    body: init.json === undefined ? undefined : JSON.stringify(init.json),
  });
}

/** The session token a response set, or undefined. */
export function sessionCookieOf(response: Response): string | undefined {
  for (const line of response.headers.getSetCookie()) {
    const match = new RegExp(`^${SESSION_COOKIE}=([^;]*)`).exec(line);
    if (match) return match[1];
  }
  return undefined;
}

export function randomEmail(): string {
  return `user-${crypto.randomUUID()}@example.com`;
}

export type Account = {
  user: { id: string; email: string; name: string };
  cookie: string;
  authenticator: SoftwareAuthenticator;
};

export async function signupOptions(
  email: string,
  name = "Ada",
): Promise<PublicKeyCredentialCreationOptionsJSON> {
  const response = await api("/api/auth/signup/options", { json: { email, name } });
  expect(response.status).toBe(200);
  return response.json();
}

/** A new account with one passkey (the given or a fresh software authenticator) and a session. */
export async function signUp(authenticator?: SoftwareAuthenticator): Promise<Account> {
  const passkey = authenticator ?? (await SoftwareAuthenticator.create());
  const email = randomEmail();
  const options = await signupOptions(email);
  const response = await api("/api/auth/signup/verify", {
    json: { response: await passkey.register(options) },
  });
  expect(response.status, await response.clone().text()).toBe(201);
  const { user } = (await response.json()) as Account;
  return { user, cookie: sessionCookieOf(response)!, authenticator: passkey };
}

export async function signinOptions(email?: string): Promise<PublicKeyCredentialRequestOptionsJSON> {
  const response = await api("/api/auth/passkey/options", { json: email ? { email } : {} });
  expect(response.status).toBe(200);
  return response.json();
}
