// @ts-check
import { defineConfig } from "astro/config";

// The marketing site and the dashboard pages are static; the Worker serves them from
// site/dist through its assets binding (wrangler.toml).
export default defineConfig({
  root: ".",
  srcDir: "./site/src",
  publicDir: "./site/public",
  outDir: "./site/dist",
  site: process.env.APP_ORIGIN ?? "http://localhost:8787",
  output: "static",
  trailingSlash: "ignore",
  build: { format: "directory", inlineStylesheets: "always" },
  devToolbar: { enabled: false },
  // Astro hashes every inline script and style into a per-page CSP <meta>; the headers that a
  // <meta> cannot carry (frame-ancestors, HSTS, ...) are in site/public/_headers.
  security: { csp: true },
});
