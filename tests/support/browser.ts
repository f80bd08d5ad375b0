// A real headless Chromium for end-to-end tests, found or brought by the project itself:
// CHROMIUM_PATH if set, else Debian's /usr/bin/chromium, else the binary shipped inside the npm
// package @sparticuz/chromium (so a fresh machine with only Node and npm still has one).
import { existsSync } from "node:fs";
import { chromium, type Browser } from "playwright-core";

// No background traffic, no DNS: the closed network here refuses it, and tests must not leak.
export const CHROMIUM_ARGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--disable-dev-shm-usage",
  "--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE localhost",
];

export async function chromiumExecutable(): Promise<string> {
  if (process.env.CHROMIUM_PATH) return process.env.CHROMIUM_PATH;
  if (existsSync("/usr/bin/chromium")) return "/usr/bin/chromium";
  const { default: packaged } = await import("@sparticuz/chromium");
  return packaged.executablePath();
}

export async function launchBrowser(): Promise<Browser> {
  // Playwright gives every launch a fresh, empty user-data-dir of its own.
  return chromium.launch({ executablePath: await chromiumExecutable(), args: CHROMIUM_ARGS });
}
