// A user in real Chromium with a passkey: a CDP virtual authenticator (a real WebAuthn client) on the
// page, the passkey sign-up on /signup, and API calls made the way the signed-in dashboard makes them.
import type { BrowserContext, Page } from "playwright-core";

/** A platform authenticator that keeps discoverable passkeys and verifies the user without a prompt. */
export async function addVirtualAuthenticator(context: BrowserContext, page: Page): Promise<void> {
  const cdp = await context.newCDPSession(page);
  await cdp.send("WebAuthn.enable");
  await cdp.send("WebAuthn.addVirtualAuthenticator", {
    options: {
      protocol: "ctap2",
      transport: "internal",
      hasResidentKey: true,
      hasUserVerification: true,
      isUserVerified: true,
      automaticPresenceSimulation: true,
    },
  });
}

/** Creates the account on /signup with the page's authenticator and waits until it lands in /app. */
export async function signUpWithPasskey(
  page: Page,
  baseUrl: string,
  user: { email: string; name: string },
): Promise<void> {
  await page.goto(`${baseUrl}/signup`);
  await page.getByLabel("Email").fill(user.email);
  await page.getByLabel("Your name").fill(user.name);
  await page.getByRole("button", { name: "Create account with a passkey" }).click();
  await page.waitForURL(/\/app\//);
}

/**
 * A same-origin JSON call from the signed-in page (session cookie and Origin as a browser sends
 * them); a non-2xx answer throws so setup fails where it went wrong.
 */
export function callApiFrom<T>(page: Page, method: string, path: string, body?: unknown): Promise<T> {
  return page.evaluate(
    async ([method, path, body]) => {
      const response = await fetch(path, {
        method,
        headers: { "content-type": "application/json" },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      if (!response.ok) throw new Error(`${method} ${path}: ${response.status} ${await response.text()}`);
      return response.status === 204 ? null : response.json();
    },
    [method, path, body] as const,
  ) as Promise<T>;
}
