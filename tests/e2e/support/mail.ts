// The mailbox of the e2e stack: the messages the simulated EMAIL binding wrote, as wrangler dev
// logged them (tests/support/stack.global.ts serves them on its control endpoint), and the
// confirmation step a new user takes by opening the link from their email.
import type { Page } from "playwright-core";
import { expect, inject } from "vitest";

export type Delivered = { subject: string; text: string };

/** Sending, writing the files and wrangler logging them, on a busy machine: seconds, not one. */
export const WAIT_MS = 15_000;

/** Every message delivered to `email` so far, oldest first. */
export async function deliveredTo(email: string): Promise<Delivered[]> {
  const response = await fetch(`${inject("stackControlUrl")}/mail?to=${encodeURIComponent(email)}`);
  return response.json();
}

/** The `${baseUrl}${path}` link of the latest message to `email` whose subject matches. */
export async function linkFromEmail(email: string, subject: RegExp, prefix: string): Promise<string> {
  let link: string | undefined;
  await expect
    .poll(
      async () => {
        const message = (await deliveredTo(email)).filter((m) => subject.test(m.subject)).at(-1);
        link = message?.text.split(/\s+/).find((word) => word.startsWith(prefix));
        return link;
      },
      { timeout: WAIT_MS },
    )
    .toBeDefined();
  return link!;
}

/** Opens the confirmation link from the user's email in their page and waits until it says so. */
export async function confirmEmailFromLink(page: Page, baseUrl: string, email: string): Promise<void> {
  await page.goto(await linkFromEmail(email, /Confirm your email address/, `${baseUrl}/verify-email#`));
  await expect
    .poll(() => page.locator("#status").textContent(), { timeout: WAIT_MS })
    .toBe("Your email address is confirmed.");
}
