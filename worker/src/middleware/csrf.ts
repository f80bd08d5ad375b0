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

/** Sec-Fetch-Site values a browser sends when no other site started the request. */
const OWN_FETCH_SITES = new Set(["same-origin", "none"]);

/**
 * For the one GET with a side effect (the account export spends the fresh sign-in's grant): a
 * request another site started (`cross-site`, or `same-site` from a sibling origin) is refused
 * before anything happens, so a link on an attacker's page cannot spend the grant. Our own page
 * (`same-origin`) and a typed or bookmarked URL (`none`) pass; clients other than browsers send
 * no Sec-Fetch-Site and cannot be made to carry a victim's cookie.
 */
export const refuseCrossSite = factory.createMiddleware(async (c, next) => {
  const fetchSite = c.req.header("Sec-Fetch-Site");
  if (fetchSite !== undefined && !OWN_FETCH_SITES.has(fetchSite)) {
    throw new HttpError(403, "CSRF_REJECTED", "Cross-site request refused");
  }
  await next();
});
