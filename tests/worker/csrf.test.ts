// CSRF and content types for cookie-authenticated state changes (SECURITY.md C17–C19).
import { describe, expect, it } from "vitest";
import { call, ORIGIN, problemOf } from "./helpers.ts";
import { api, SESSION_COOKIE, signUp } from "./support/accounts.ts";

async function expectCsrfRejected(response: Response): Promise<void> {
  expect(response.status).toBe(403);
  expect((await problemOf(response)).code).toBe("CSRF_REJECTED");
}

describe("CSRF", () => {
  it("csrf: a cross-site JSON POST with the session cookie → 403 and the session survives", async () => {
    const account = await signUp();
    const response = await call("/api/auth/logout", {
      method: "POST",
      headers: {
        Origin: "https://evil.example",
        "Content-Type": "application/json",
        Cookie: `${SESSION_COOKIE}=${account.cookie}`,
      },
      body: "{}",
    });
    await expectCsrfRejected(response);
    expect((await api("/api/me", { cookie: account.cookie })).status).toBe(200);
  });

  it("csrf: cross-site form POSTs (urlencoded, text/plain, no type) → 403", async () => {
    const account = await signUp();
    for (const type of [
      "application/x-www-form-urlencoded",
      "text/plain",
      "multipart/form-data; boundary=x",
      null,
    ]) {
      const headers: Record<string, string> = {
        Origin: "https://evil.example",
        "Sec-Fetch-Site": "cross-site",
        Cookie: `${SESSION_COOKIE}=${account.cookie}`,
      };
      if (type) headers["Content-Type"] = type;
      await expectCsrfRejected(await call("/api/sessions", { method: "DELETE", headers, body: "a=b" }));
    }
  });

  it("csrf: a same-site text/plain POST from www. → 403", async () => {
    const account = await signUp();
    const response = await call("/api/auth/recovery-codes", {
      method: "POST",
      headers: {
        Origin: "http://www.localhost:8787",
        "Sec-Fetch-Site": "same-site",
        "Content-Type": "text/plain",
        Cookie: `${SESSION_COOKIE}=${account.cookie}`,
      },
      body: "{}",
    });
    await expectCsrfRejected(response);
  });

  it("csrf: Origin null, or neither Origin nor Sec-Fetch-Site: same-origin → 403", async () => {
    await expectCsrfRejected(
      await call("/api/auth/passkey/options", { method: "POST", headers: { Origin: "null" }, body: "{}" }),
    );
    await expectCsrfRejected(await call("/api/auth/passkey/options", { method: "POST", body: "{}" }));
    await expectCsrfRejected(
      await call("/api/auth/passkey/options", {
        method: "POST",
        headers: { "Sec-Fetch-Site": "cross-site", "Content-Type": "application/json" },
        body: "{}",
      }),
    );
  });

  it("accepts a same-origin request identified by Sec-Fetch-Site alone", async () => {
    const response = await call("/api/auth/passkey/options", {
      method: "POST",
      headers: { "Sec-Fetch-Site": "same-origin", "Content-Type": "application/json" },
      body: "{}",
    });
    expect(response.status).toBe(200);
  });

  it("csrf: a JSON route given text/plain from the app's own origin → 415", async () => {
    const response = await call("/api/auth/passkey/options", {
      method: "POST",
      headers: { Origin: ORIGIN, "Content-Type": "text/plain" },
      body: "{}",
    });
    expect(response.status).toBe(415);
    const problem = await problemOf(response);
    expect(problem.code).toBe("UNSUPPORTED_MEDIA_TYPE");
    expect(problem.detail).toMatch(/Content-Type/);
  });

  it("csrf: state changes via GET → 405", async () => {
    for (const path of ["/api/auth/logout", "/api/auth/recovery-codes", "/api/auth/totp/setup"]) {
      const response = await call(path);
      expect(response.status, path).toBe(405);
    }
  });

  it("csrf: a cross-origin preflight gets no Access-Control-Allow-Origin", async () => {
    const response = await call("/api/auth/logout", {
      method: "OPTIONS",
      headers: { Origin: "https://evil.example", "Access-Control-Request-Method": "POST" },
    });
    expect(response.headers.get("Access-Control-Allow-Origin")).toBeNull();
    expect(response.headers.get("Access-Control-Allow-Credentials")).toBeNull();
  });
});
