// Transfer sizes of what a visitor downloads for analytics, as the budgets (issue 7) count them:
// brotli at maximum quality. Shared by tests/unit/rum-budgets.test.ts and the bench.
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { brotliCompressSync, constants } from "node:zlib";
import { CONSENT_KEY } from "./src/consent.ts";

export const BANNER_BUDGET_BYTES = 1.5 * 1024;
export const SDK_BUDGET_BYTES = 16 * 1024;

export function brotliSize(content: string | Uint8Array): number {
  return brotliCompressSync(content, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }).byteLength;
}

/**
 * The banner's markup, its loader script and its CSS rules, cut out of a built page: what the
 * page carries inline for consent before any choice.
 */
export function consentPartsOf(html: string): { markup: string; script: string; css: string } {
  const markup = html.match(/<section id="consent"[\s\S]*?<\/section>/)?.[0];
  const script = [...html.matchAll(/<script type="module">([\s\S]*?)<\/script>/g)]
    .map((match) => match[1]!)
    .find((content) => content.includes(CONSENT_KEY));
  const css = [...html.matchAll(/\.consent[^{}]*\{[^}]*\}/g)].map((match) => match[0]).join("");
  if (!markup || !script || !css) throw new Error("consent banner, loader or CSS not found in the page");
  return { markup, script, css };
}

export function bannerSizeOf(html: string): number {
  const { markup, script, css } = consentPartsOf(html);
  return brotliSize(markup + script + css);
}

export function builtHomePage(root: string): string {
  return readFileSync(resolve(root, "site/dist/index.html"), "utf8");
}
