// A software WebAuthn authenticator for tests: real P-256 keys (WebCrypto), real CBOR
// authenticatorData / attestationObject and real ECDSA signatures over authData ‖ SHA-256(clientData),
// so the server's real verifier (@simplewebauthn/server) checks them. Overrides let a test forge
// exactly one property (origin, RP ID, UV flag, counter, credential id, user handle).
import type {
  AuthenticationResponseJSON,
  PublicKeyCredentialCreationOptionsJSON,
  PublicKeyCredentialRequestOptionsJSON,
  RegistrationResponseJSON,
} from "@simplewebauthn/server";
import { base64url, fromBase64url } from "../../../worker/src/byte-encoding.ts";

type Cbor = number | string | Uint8Array | Map<Cbor, Cbor>;

function cborHead(major: number, length: number): number[] {
  if (length < 24) return [(major << 5) | length];
  if (length < 256) return [(major << 5) | 24, length];
  if (length < 65536) return [(major << 5) | 25, length >> 8, length & 255];
  throw new Error("too long for this encoder");
}

function cbor(value: Cbor): number[] {
  if (typeof value === "number") return value >= 0 ? cborHead(0, value) : cborHead(1, -1 - value);
  if (typeof value === "string") {
    const bytes = new TextEncoder().encode(value);
    return [...cborHead(3, bytes.length), ...bytes];
  }
  if (value instanceof Uint8Array) return [...cborHead(2, value.length), ...value];
  return [...cborHead(5, value.size), ...[...value].flatMap(([k, v]) => [...cbor(k), ...cbor(v)])];
}

const sha256 = async (data: Uint8Array<ArrayBuffer>) =>
  new Uint8Array(await crypto.subtle.digest("SHA-256", data));
const utf8 = (text: string) => new Uint8Array(new TextEncoder().encode(text));
const concat = (...parts: Uint8Array[]) => {
  const out = new Uint8Array(parts.reduce((n, part) => n + part.length, 0));
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
};

/** WebCrypto signs P-256 as r ‖ s; WebAuthn wants an ASN.1 DER SEQUENCE of two INTEGERs. */
function derSignature(raw: Uint8Array): Uint8Array {
  const integer = (bytes: Uint8Array) => {
    let start = 0;
    while (start < bytes.length - 1 && bytes[start] === 0) start++;
    const trimmed = bytes.slice(start);
    const body = trimmed[0] & 0x80 ? concat(new Uint8Array([0]), trimmed) : trimmed;
    return concat(new Uint8Array([0x02, body.length]), body);
  };
  const body = concat(integer(raw.slice(0, 32)), integer(raw.slice(32)));
  return concat(new Uint8Array([0x30, body.length]), body);
}

const FLAG_UP = 0x01;
const FLAG_UV = 0x04;
const FLAG_AT = 0x40;

export type CeremonyOverrides = {
  origin?: string;
  rpId?: string;
  userVerified?: boolean;
  signCount?: number;
  userHandle?: string | null;
  challenge?: string;
  type?: string;
};

export class SoftwareAuthenticator {
  /** The counter last reported; 0 means a non-counting (synced) passkey. */
  signCount = 0;
  userHandle: string | null = null;

  private readonly keys: CryptoKeyPair;
  readonly credentialId: string;
  readonly origin: string;
  readonly rpId: string;

  // Plain fields, no parameter properties: `npm run bench` imports this file in Node's type stripping.
  private constructor(keys: CryptoKeyPair, credentialId: string, origin: string, rpId: string) {
    this.keys = keys;
    this.credentialId = credentialId;
    this.origin = origin;
    this.rpId = rpId;
  }

  static async create(
    options: { origin?: string; rpId?: string; credentialIdBytes?: number; signCount?: number } = {},
  ): Promise<SoftwareAuthenticator> {
    const keys = (await crypto.subtle.generateKey({ name: "ECDSA", namedCurve: "P-256" }, true, [
      "sign",
      "verify",
    ])) as CryptoKeyPair;
    const id = base64url(crypto.getRandomValues(new Uint8Array(options.credentialIdBytes ?? 32)));
    const authenticator = new SoftwareAuthenticator(
      keys,
      id,
      options.origin ?? "http://localhost:8787",
      options.rpId ?? "localhost",
    );
    authenticator.signCount = options.signCount ?? 0;
    return authenticator;
  }

  private async coseKey(): Promise<Uint8Array> {
    const jwk = (await crypto.subtle.exportKey("jwk", this.keys.publicKey)) as JsonWebKey;
    const key = new Map<Cbor, Cbor>([
      [1, 2],
      [3, -7],
      [-1, 1],
      [-2, fromBase64url(jwk.x!)!],
      [-3, fromBase64url(jwk.y!)!],
    ]);
    return new Uint8Array(cbor(key));
  }

  private async authData(rpId: string, flags: number, signCount: number, attested?: Uint8Array) {
    const count = new Uint8Array(4);
    new DataView(count.buffer).setUint32(0, signCount);
    return concat(await sha256(utf8(rpId)), new Uint8Array([flags]), count, attested ?? new Uint8Array());
  }

  private clientData(type: string, challenge: string, origin: string): Uint8Array<ArrayBuffer> {
    return utf8(JSON.stringify({ type, challenge, origin, crossOrigin: false }));
  }

  async register(
    options: PublicKeyCredentialCreationOptionsJSON,
    overrides: CeremonyOverrides = {},
  ): Promise<RegistrationResponseJSON> {
    this.userHandle = options.user.id;
    const rawId = fromBase64url(this.credentialId)!;
    const idLength = new Uint8Array([rawId.length >> 8, rawId.length & 255]);
    const attested = concat(new Uint8Array(16), idLength, rawId, await this.coseKey());
    const flags = FLAG_UP | FLAG_AT | (overrides.userVerified === false ? 0 : FLAG_UV);
    const authData = await this.authData(overrides.rpId ?? this.rpId, flags, this.signCount, attested);
    const attestationObject = new Uint8Array(
      cbor(
        new Map<Cbor, Cbor>([
          ["fmt", "none"],
          ["attStmt", new Map()],
          ["authData", authData],
        ]),
      ),
    );
    const clientDataJSON = this.clientData(
      overrides.type ?? "webauthn.create",
      overrides.challenge ?? options.challenge,
      overrides.origin ?? this.origin,
    );
    return {
      id: this.credentialId,
      rawId: this.credentialId,
      type: "public-key",
      clientExtensionResults: {},
      response: {
        clientDataJSON: base64url(clientDataJSON),
        attestationObject: base64url(attestationObject),
        transports: ["internal", "hybrid"],
      },
    };
  }

  async authenticate(
    options: PublicKeyCredentialRequestOptionsJSON,
    overrides: CeremonyOverrides = {},
  ): Promise<AuthenticationResponseJSON> {
    // A counting authenticator reports a larger counter each time; a synced passkey stays at 0.
    const signCount = overrides.signCount ?? (this.signCount > 0 ? ++this.signCount : 0);
    const flags = FLAG_UP | (overrides.userVerified === false ? 0 : FLAG_UV);
    const authData = await this.authData(overrides.rpId ?? this.rpId, flags, signCount);
    const clientDataJSON = this.clientData(
      overrides.type ?? "webauthn.get",
      overrides.challenge ?? options.challenge,
      overrides.origin ?? this.origin,
    );
    const signed = concat(authData, await sha256(clientDataJSON));
    const raw = new Uint8Array(
      await crypto.subtle.sign({ name: "ECDSA", hash: "SHA-256" }, this.keys.privateKey, signed),
    );
    const userHandle = overrides.userHandle === undefined ? this.userHandle : overrides.userHandle;
    return {
      id: this.credentialId,
      rawId: this.credentialId,
      type: "public-key",
      clientExtensionResults: {},
      response: {
        clientDataJSON: base64url(clientDataJSON),
        authenticatorData: base64url(authData),
        signature: base64url(derSignature(raw)),
        ...(userHandle ? { userHandle } : {}),
      },
    };
  }
}
