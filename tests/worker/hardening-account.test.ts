// Hardening of the account surfaces (issue "what an attacker tries next", items 5–7): the export
// cannot be spent by another site, sign-in and restore options do not tell whether an account
// exists, and JSON bodies are read only up to their limit, counted in bytes.
import { describe, expect, it } from "vitest";
import { MAX_JSON_BYTES } from "../../worker/src/request-schema.ts";
import { call, ORIGIN, problemOf } from "./helpers.ts";
import { api, randomEmail, SESSION_COOKIE, signUp } from "./support/accounts.ts";

const exportWith = (cookie: string, fetchSite: string) =>
  call("/api/account/export", {
    headers: {
      Cookie: `${SESSION_COOKIE}=${cookie}`,
      "Sec-Fetch-Site": fetchSite,
      "Sec-Fetch-Mode": "navigate",
    },
  });

/** The options with the random challenge blanked: what is left must not depend on the email. */
async function optionsShape(path: string, email: string) {
  const response = await api(path, { json: { email } });
  expect(response.status).toBe(200);
  const text = await response.text();
  const options = JSON.parse(text) as { challenge: string };
  return { length: text.length, options: { ...options, challenge: "*".repeat(options.challenge.length) } };
}

describe("hardening: account export", () => {
  it("hardening: a cross-site request cannot trigger the account export or spend its fresh-auth grant", async () => {
    const account = await signUp();
    for (const site of ["cross-site", "same-site"]) {
      const refused = await exportWith(account.cookie, site);
      expect(refused.status).toBe(403);
      expect((await problemOf(refused)).code).toBe("CSRF_REJECTED");
    }
    // The person's own download still works: the grant was not spent.
    const own = await exportWith(account.cookie, "same-origin");
    expect(own.status).toBe(200);
    expect(((await own.json()) as { profile: { id: string } }).profile.id).toBe(account.user.id);
  });
});

describe("hardening: enumeration", () => {
  it("hardening: passkey sign-in options answer a known and an unknown email alike", async () => {
    const account = await signUp();
    const known = await optionsShape("/api/auth/passkey/options", account.user.email);
    const unknown = await optionsShape("/api/auth/passkey/options", randomEmail());
    expect(known).toEqual(unknown);
  });

  it("hardening: restore options answer an account pending deletion and an unknown email alike", async () => {
    const account = await signUp();
    const deleted = await api("/api/account", { method: "DELETE", cookie: account.cookie });
    expect(deleted.status).toBe(202);
    const pending = await optionsShape("/api/account/restore/options", account.user.email);
    const unknown = await optionsShape("/api/account/restore/options", randomEmail());
    expect(pending).toEqual(unknown);
  });
});

describe("hardening: JSON body limit", () => {
  const postJson = (body: BodyInit, headers: Record<string, string> = {}) =>
    call("/api/auth/passkey/options", {
      method: "POST",
      headers: { Origin: ORIGIN, "Content-Type": "application/json", ...headers },
      body,
    });

  it("hardening: a JSON body is limited in bytes, not UTF-16 characters", async () => {
    // 40,000 three-byte characters: 120,000 bytes, but only 40,000 UTF-16 code units.
    const body = JSON.stringify({ email: "€".repeat(40_000) });
    expect(body.length).toBeLessThan(MAX_JSON_BYTES);
    const response = await postJson(body);
    expect(response.status).toBe(413);
    expect((await problemOf(response)).code).toBe("PAYLOAD_TOO_LARGE");
  });

  it("hardening: a streamed JSON body without Content-Length is cut off at the limit with 413", async () => {
    let sent = 0;
    const chunk = new TextEncoder().encode(" ".repeat(16_384));
    const endless = new ReadableStream<Uint8Array>({
      pull(controller) {
        sent += chunk.byteLength;
        // Far more than the limit if it were read whole; stops by itself so a bug cannot hang the test.
        if (sent > 64 * MAX_JSON_BYTES) controller.close();
        else controller.enqueue(chunk);
      },
    });
    const response = await postJson(endless);
    expect([response.status, (await problemOf(response)).code]).toEqual([413, "PAYLOAD_TOO_LARGE"]);
    expect(sent).toBeLessThan(4 * MAX_JSON_BYTES);
  });

  it("hardening: a declared Content-Length above the limit is refused unread", async () => {
    const response = await postJson("{}".padEnd(MAX_JSON_BYTES + 1, " "), {
      "Content-Length": String(MAX_JSON_BYTES + 1),
    });
    expect([response.status, (await problemOf(response)).code]).toEqual([413, "PAYLOAD_TOO_LARGE"]);
  });
});
