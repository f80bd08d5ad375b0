// CSRF for every state-changing /api request, JSON included: Hono's csrf() only looks at form-like
// content types (GHSA-2234-fmw7-43wr), and SameSite=Lax still sends the cookie from same-site
// origins such as www. So: Origin must be the app's own; without Origin, Sec-Fetch-Site must say
// same-origin; a request with neither (not from a browser we can trust) is refused too.
import { factory } from "../env.ts";
import { HttpError } from "../errors.ts";

const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);

export const csrf = factory.createMiddleware(async (c, next) => {
  if (!SAFE_METHODS.has(c.req.method)) {
    const origin = c.req.header("Origin");
    const fetchSite = c.req.header("Sec-Fetch-Site");
    const sameOrigin = origin ? origin === c.env.APP_ORIGIN : fetchSite === "same-origin";
    if (!sameOrigin) throw new HttpError(403, "CSRF_REJECTED", "Cross-origin request refused");
  }
  await next();
});
