// The WebAuthn ceremonies around @simplewebauthn/server: options that always require resident keys
// and user verification, and verifications that always check origin, RP ID (registration too)
// and UV. Every failure is the same `null` so callers answer one generic error.
import type {
  AuthenticationResponseJSON,
  PublicKeyCredentialCreationOptionsJSON,
  PublicKeyCredentialRequestOptionsJSON,
  RegistrationResponseJSON,
} from "@simplewebauthn/server";
import { fromBase64url } from "../byte-encoding.ts";
import { CHALLENGE_TTL_MS } from "./challenges.ts";
import type { Result } from "../result.ts";
import { lazyModule } from "../lazy-module.ts";

/**
 * The library, loaded on the first ceremony: with its ASN.1 / X.509 stack it is a large share of the
 * Worker's code, and most requests (and cold starts) never need it (docs/round-trips.md).
 */
const library = lazyModule(() => import("@simplewebauthn/server"));

export type RelyingParty = { origin: string; rpId: string; rpName: string };
export type KnownCredential = {
  credentialId: string;
  publicKey: Uint8Array<ArrayBuffer>;
  counter: number;
  transports: string[];
};
export type NewCredential = {
  credentialId: string;
  publicKey: Uint8Array<ArrayBuffer>;
  counter: number;
  transports: string[];
  aaguid: string;
  backedUp: boolean;
};

/** WebAuthn L3 §5.1: a credential id is at most 1023 bytes. */
const MAX_CREDENTIAL_ID_BYTES = 1023;
/** ES256 and RS256 (what passkey providers use); EdDSA is not in WebCrypto everywhere. */
const ALGORITHMS = [-7, -257];

export async function registrationOptions(
  rp: RelyingParty,
  user: { webauthnUserId: string; email: string; name: string },
  exclude: KnownCredential[],
): Promise<PublicKeyCredentialCreationOptionsJSON> {
  const { generateRegistrationOptions } = await library();
  return generateRegistrationOptions({
    rpName: rp.rpName,
    rpID: rp.rpId,
    userID: fromBase64url(user.webauthnUserId)!,
    userName: user.email,
    userDisplayName: user.name,
    timeout: CHALLENGE_TTL_MS,
    attestationType: "none",
    excludeCredentials: exclude.map((credential) => ({
      id: credential.credentialId,
      transports: credential.transports,
    })),
    authenticatorSelection: {
      residentKey: "required",
      requireResidentKey: true,
      userVerification: "required",
    },
    supportedAlgorithmIDs: ALGORITHMS,
  });
}

export async function authenticationOptions(
  rp: RelyingParty,
  allow: KnownCredential[],
): Promise<PublicKeyCredentialRequestOptionsJSON> {
  const { generateAuthenticationOptions } = await library();
  return generateAuthenticationOptions({
    rpID: rp.rpId,
    timeout: CHALLENGE_TTL_MS,
    userVerification: "required",
    allowCredentials: allow.map((credential) => ({
      id: credential.credentialId,
      transports: credential.transports,
    })),
  });
}

export function isAcceptableCredentialId(id: unknown): id is string {
  if (typeof id !== "string") return false;
  const bytes = fromBase64url(id);
  return bytes !== null && bytes.length > 0 && bytes.length <= MAX_CREDENTIAL_ID_BYTES;
}

export async function verifyRegistration(
  rp: RelyingParty,
  response: RegistrationResponseJSON,
  challenge: string,
): Promise<NewCredential | null> {
  if (!isAcceptableCredentialId(response.id)) return null;
  const { verifyRegistrationResponse } = await library();
  try {
    const result = await verifyRegistrationResponse({
      response,
      expectedChallenge: challenge,
      expectedOrigin: rp.origin,
      expectedRPID: rp.rpId,
      requireUserVerification: true,
      supportedAlgorithmIDs: ALGORITHMS,
    });
    if (!result.verified) return null;
    const { credential, aaguid, credentialBackedUp } = result.registrationInfo;
    return {
      credentialId: credential.id,
      publicKey: new Uint8Array(credential.publicKey),
      counter: credential.counter,
      transports: credential.transports ?? [],
      aaguid,
      backedUp: credentialBackedUp,
    };
  } catch {
    return null;
  }
}

export type AuthenticationResult = Result<
  { newCounter: number; backedUp: boolean },
  { reason: "counter-regression" | "invalid" }
>;

export async function verifyAuthentication(
  rp: RelyingParty,
  response: AuthenticationResponseJSON,
  challenge: string,
  credential: KnownCredential,
): Promise<AuthenticationResult> {
  const { verifyAuthenticationResponse } = await library();
  const verify = (storedCounter: number) =>
    verifyAuthenticationResponse({
      response,
      expectedChallenge: challenge,
      expectedOrigin: rp.origin,
      expectedRPID: rp.rpId,
      requireUserVerification: true,
      credential: {
        id: credential.credentialId,
        publicKey: credential.publicKey,
        counter: storedCounter,
        transports: credential.transports as never,
      },
    });
  try {
    const result = await verify(credential.counter);
    if (!result.verified) return { ok: false, reason: "invalid" };
    const { newCounter, credentialBackedUp } = result.authenticationInfo;
    return { ok: true, newCounter, backedUp: credentialBackedUp };
  } catch (error) {
    if (!(error instanceof Error && /counter/i.test(error.message))) return { ok: false, reason: "invalid" };
  }
  // The library rejects a counter that did not grow before it checks the signature. Only a
  // genuinely signed assertion with a stale counter (a possibly cloned authenticator) is reported
  // as a regression, so forged requests cannot fill the audit log with false alarms.
  try {
    const signed = await verify(0);
    return { ok: false, reason: signed.verified ? "counter-regression" : "invalid" };
  } catch {
    return { ok: false, reason: "invalid" };
  }
}
