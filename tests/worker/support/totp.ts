// Authenticator-app side of TOTP for tests: codes for a secret at an offset from now, and an
// account with TOTP enabled through the real routes.
import { generate } from "otplib";
import { expect } from "vitest";
import { api, signUp, type Account } from "./accounts.ts";

export function totpCode(secret: string, offsetSeconds = 0): Promise<string> {
  return generate({ secret, epoch: Math.floor(Date.now() / 1000) + offsetSeconds });
}

/** A fresh account with TOTP enabled (which consumed the current step). */
export async function signUpWithTotp(): Promise<Account & { secret: string }> {
  const account = await signUp();
  const setup = await api("/api/auth/totp/setup", { method: "POST", cookie: account.cookie });
  expect(setup.status).toBe(200);
  const { secret } = (await setup.json()) as { secret: string };
  const enable = await api("/api/auth/totp/enable", {
    json: { code: await totpCode(secret) },
    cookie: account.cookie,
  });
  expect(enable.status).toBe(204);
  return { ...account, secret };
}
