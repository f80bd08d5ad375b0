import { secureHeaders } from "hono/secure-headers";
import { factory } from "../env.ts";

/**
 * Headers for every API response. API responses are data, never documents: a CSP that allows
 * nothing, no caching (they carry personal and tenant data), no sniffing, no referrer. HSTS only
 * when served over HTTPS (production); the site's own headers are in site/public/_headers. The
 * middleware is built once per isolate for each scheme (building it compiles the CSP).
 */
const secureHeadersFor = (https: boolean) =>
  secureHeaders({
    contentSecurityPolicy: { defaultSrc: ["'none'"], frameAncestors: ["'none'"] },
    strictTransportSecurity: https ? "max-age=63072000; includeSubDomains; preload" : false,
    referrerPolicy: "no-referrer",
    crossOriginResourcePolicy: "same-origin",
    xFrameOptions: "DENY",
  });
const SECURE_HEADERS = { https: secureHeadersFor(true), http: secureHeadersFor(false) };

export const apiHeaders = factory.createMiddleware(async (c, next) => {
  const headers = c.env.APP_ORIGIN.startsWith("https://") ? SECURE_HEADERS.https : SECURE_HEADERS.http;
  await headers(c, async () => {
    await next();
    c.header("Cache-Control", "no-store");
  });
});
