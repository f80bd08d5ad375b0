// Managing one's own passkeys: list, add (fresh session), rename, delete, never the last way in.
import { describe, expect, it } from "vitest";
import { problemOf } from "./helpers.ts";
import { api, signinOptions, signUp, type Account } from "./support/accounts.ts";
import { SoftwareAuthenticator } from "./support/software-authenticator.ts";

type Passkey = { id: string; name: string; provider: string; createdAt: string; lastUsedAt: string | null };

async function listOf(account: Account): Promise<Passkey[]> {
  const response = await api("/api/auth/passkeys", { cookie: account.cookie });
  expect(response.status).toBe(200);
  return response.json();
}

async function addPasskey(account: Account, authenticator: SoftwareAuthenticator): Promise<Response> {
  const options = await api("/api/auth/passkeys/options", { method: "POST", cookie: account.cookie });
  expect(options.status).toBe(200);
  const response = await authenticator.register(await options.json());
  return api("/api/auth/passkeys/verify", { json: { response }, cookie: account.cookie });
}

describe("passkey management", () => {
  it("lists passkeys with a name, provider and times", async () => {
    const account = await signUp();
    const [passkey] = await listOf(account);
    expect(passkey).toMatchObject({ name: "Passkey", provider: "Passkey", lastUsedAt: null });
    expect(new Date(passkey.createdAt).getTime()).toBeGreaterThan(Date.now() - 60_000);
  });

  it("adds a second passkey that can sign in, excluding the existing one in the options", async () => {
    const account = await signUp();
    const options = await api("/api/auth/passkeys/options", { method: "POST", cookie: account.cookie });
    const body = (await options.json()) as { excludeCredentials: { id: string }[]; user: { id: string } };
    expect(body.excludeCredentials.map((credential) => credential.id)).toEqual([
      account.authenticator.credentialId,
    ]);
    expect(body.user.id).toBe(account.authenticator.userHandle);
    const second = await SoftwareAuthenticator.create();
    const added = await api("/api/auth/passkeys/verify", {
      json: { response: await second.register(body as never) },
      cookie: account.cookie,
    });
    expect(added.status).toBe(201);
    expect(await listOf(account)).toHaveLength(2);
    const assertion = await second.authenticate(await signinOptions());
    expect((await api("/api/auth/passkey/verify", { json: { response: assertion } })).status).toBe(200);
  });

  it("webauthn: adding a credential id registered to another user is rejected", async () => {
    const alice = await signUp();
    const bob = await signUp();
    const response = await addPasskey(alice, bob.authenticator);
    expect(response.status).toBe(401);
    expect((await problemOf(response)).code).toBe("PASSKEY_VERIFICATION_FAILED");
  });

  it("renames a passkey; another user's passkey answers 404", async () => {
    const alice = await signUp();
    const bob = await signUp();
    const [passkey] = await listOf(alice);
    const renamed = await api(`/api/auth/passkeys/${passkey.id}`, {
      method: "PATCH",
      json: { name: "Laptop" },
      cookie: alice.cookie,
    });
    expect(renamed.status).toBe(200);
    expect(((await renamed.json()) as Passkey).name).toBe("Laptop");
    const foreign = await api(`/api/auth/passkeys/${passkey.id}`, {
      method: "PATCH",
      json: { name: "x" },
      cookie: bob.cookie,
    });
    expect(foreign.status).toBe(404);
    const empty = await api(`/api/auth/passkeys/${passkey.id}`, {
      method: "PATCH",
      json: { name: "" },
      cookie: alice.cookie,
    });
    expect((await problemOf(empty)).detail).toMatch(/^name/);
  });

  it("refuses to delete the last passkey with 409 LAST_CREDENTIAL, allows it when another remains", async () => {
    const account = await signUp();
    const [only] = await listOf(account);
    const refused = await api(`/api/auth/passkeys/${only.id}`, { method: "DELETE", cookie: account.cookie });
    expect(refused.status).toBe(409);
    expect((await problemOf(refused)).code).toBe("LAST_CREDENTIAL");
    expect((await addPasskey(account, await SoftwareAuthenticator.create())).status).toBe(201);
    expect(
      (await api(`/api/auth/passkeys/${only.id}`, { method: "DELETE", cookie: account.cookie })).status,
    ).toBe(204);
    const assertion = await account.authenticator.authenticate(await signinOptions());
    expect((await api("/api/auth/passkey/verify", { json: { response: assertion } })).status).toBe(401);
  });

  it("two concurrent deletions of the last two passkeys leave one", async () => {
    const account = await signUp();
    await addPasskey(account, await SoftwareAuthenticator.create());
    const ids = (await listOf(account)).map((passkey) => passkey.id);
    const results = await Promise.all(
      ids.map((id) => api(`/api/auth/passkeys/${id}`, { method: "DELETE", cookie: account.cookie })),
    );
    expect(results.map((response) => response.status).sort()).toEqual([204, 409]);
    expect(await listOf(account)).toHaveLength(1);
  });
});
