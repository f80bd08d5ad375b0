import { secureHeaders } from "hono/secure-headers";
import { factory } from "../env.ts";

/**
 * Headers for every API response. API responses are data, never documents: a CSP that allows
 * nothing, no caching (they carry personal and tenant data), no sniffing, no referrer. HSTS only
 * when served over HTTPS (production); the site's own headers are in site/public/_headers.
 */
export const apiHeaders = factory.createMiddleware(async (c, next) => {
  const https = c.env.APP_ORIGIN.startsWith("https://");
  await secureHeaders({
    contentSecurityPolicy: { defaultSrc: ["'none'"], frameAncestors: ["'none'"] },
    strictTransportSecurity: https ? "max-age=63072000; includeSubDomains; preload" : false,
    referrerPolicy: "no-referrer",
    crossOriginResourcePolicy: "same-origin",
    xFrameOptions: "DENY",
  })(c, async () => {
    await next();
    c.header("Cache-Control", "no-store");
  });
});
