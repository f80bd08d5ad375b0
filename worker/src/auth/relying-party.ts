import type { Context } from "hono";
import type { RelyingParty } from "./webauthn.ts";
import type { AppEnv } from "../env.ts";

/** The WebAuthn relying party from configuration (APP_ORIGIN, RP_ID, RP_NAME). */
export function relyingParty(c: Context<AppEnv>): RelyingParty {
  return { origin: c.env.APP_ORIGIN, rpId: c.env.RP_ID, rpName: c.env.RP_NAME };
}
