// What each RUM attribute is for, in words a visitor can read. The Cookie Policy page renders this
// list and the ingest privacy firewall keeps exactly these attribute names on browser spans. A
// separate module from attributes.ts so that none of this text ends up in the SDK bundle.
import { ATTR, type RumAttributeName } from "./attributes.ts";

export type RumAttribute = { name: RumAttributeName; purpose: string; where: string };

export const RUM_ATTRIBUTES: readonly RumAttribute[] = [
  { name: ATTR.serviceName, where: "every batch", purpose: "Which application sent the data." },
  { name: ATTR.sdkName, where: "every batch", purpose: "Which telemetry library produced the data." },
  { name: ATTR.sdkLanguage, where: "every batch", purpose: "The library's runtime (always webjs)." },
  { name: ATTR.sdkVersion, where: "every batch", purpose: "The library's version, to spot broken releases." },
  {
    name: ATTR.sessionId,
    where: "every batch",
    purpose:
      "A random identifier for one browser tab, kept in sessionStorage, so page views of one visit can be put in order. Deleted when the tab closes or you withdraw consent.",
  },
  {
    name: ATTR.userAgent,
    where: "every batch",
    purpose: "Your browser's user-agent string, to find browser-specific problems.",
  },
  {
    name: ATTR.language,
    where: "every batch",
    purpose: "Your browser's preferred language, to decide which translations to write.",
  },
  { name: ATTR.platform, where: "every batch", purpose: "The operating system family your browser reports." },
  {
    name: ATTR.mobile,
    where: "every batch",
    purpose: "Whether your browser says it runs on a mobile device.",
  },
  {
    name: ATTR.screenWidth,
    where: "every batch",
    purpose: "Screen width in CSS pixels, to design for real screens.",
  },
  { name: ATTR.screenHeight, where: "every batch", purpose: "Screen height in CSS pixels." },
  {
    name: ATTR.viewportWidth,
    where: "every batch",
    purpose: "Width of the visible page area in CSS pixels.",
  },
  {
    name: ATTR.viewportHeight,
    where: "every batch",
    purpose: "Height of the visible page area in CSS pixels.",
  },
  { name: ATTR.pixelRatio, where: "every batch", purpose: "Device pixel ratio, to size images correctly." },
  {
    name: ATTR.networkClass,
    where: "every batch",
    purpose: "The network class your browser estimates (slow-2g, 2g, 3g or 4g), to judge load times fairly.",
  },
  {
    name: ATTR.urlPath,
    where: "every span",
    purpose: "The path of the page (never its query string or fragment).",
  },
  {
    name: ATTR.urlTemplate,
    where: "every span",
    purpose: "The page's route: its path with numbers and identifiers replaced by :id, to group pages.",
  },
  { name: ATTR.pageTitle, where: "page views", purpose: "The page's title." },
  {
    name: ATTR.pageSequence,
    where: "page views",
    purpose: "The position of this page view within the tab's visit (1, 2, 3, ...).",
  },
  {
    name: ATTR.referrerPath,
    where: "page views",
    purpose: "The path of the page on this site that linked here, if any.",
  },
  { name: ATTR.previousPath, where: "page views", purpose: "The previous page viewed in this tab." },
  {
    name: ATTR.ctaName,
    where: "call-to-action clicks",
    purpose: "Which call to action was clicked (sign-up or demo); no other clicks are recorded.",
  },
  {
    name: ATTR.vitalName,
    where: "web vitals",
    purpose: "Which Core Web Vital was measured (LCP, FCP, CLS, INP or TTFB).",
  },
  {
    name: ATTR.vitalValue,
    where: "web vitals",
    purpose: "The measured value (milliseconds, or a score for CLS).",
  },
  {
    name: ATTR.vitalRating,
    where: "web vitals",
    purpose: "Good, needs-improvement or poor, by Google's thresholds.",
  },
  {
    name: ATTR.vitalTarget,
    where: "web vitals",
    purpose: "A CSS selector of the element behind LCP or INP (tag, id and classes only, never its text).",
  },
  {
    name: ATTR.eventName,
    where: "web-vital log events",
    purpose: "The kind of event (browser.web_vital), for pages measured with OpenTelemetry's own library.",
  },
  {
    name: ATTR.vitalDelta,
    where: "web-vital log events",
    purpose: "How much the metric changed since it was last reported.",
  },
  {
    name: ATTR.vitalId,
    where: "web-vital log events",
    purpose: "A random identifier of one measurement on one page load, so repeated reports are counted once.",
  },
  {
    name: ATTR.vitalNavigationType,
    where: "web-vital log events",
    purpose: "How the page was reached (navigation, reload, back/forward), which changes what is measured.",
  },
  {
    name: ATTR.resourcePath,
    where: "static resources",
    purpose: "The path of a script, stylesheet, image or font the page loaded.",
  },
  {
    name: ATTR.resourceType,
    where: "static resources",
    purpose: "What loaded it (script, link, img, css, ...).",
  },
  { name: ATTR.resourceSize, where: "static resources", purpose: "Its size over the network in bytes." },
  {
    name: ATTR.resourceDuration,
    where: "static resources",
    purpose: "How long it took to load, in milliseconds.",
  },
  {
    name: ATTR.enduserId,
    where: "dashboard pages only",
    purpose: "Your Sightline user id, when you are signed in to the dashboard.",
  },
  { name: ATTR.tenantId, where: "dashboard pages only", purpose: "The Sightline workspace you are viewing." },
  {
    name: ATTR.userRoles,
    where: "dashboard pages only",
    purpose: "Your role in that workspace (owner, admin or member).",
  },
];

/** What the ingest firewall lets through on spans sent with a frontend token. */
/** The attributes our edge adds to every browser span (the browser cannot send them). */
export const EDGE = { country: "cloud.region", colo: "cloudflare.colo" } as const;

export const EDGE_ATTRIBUTES: readonly { name: string; purpose: string; where: string }[] = [
  {
    name: EDGE.country,
    where: "every span, added by our server",
    purpose:
      "Your country, as Cloudflare's edge sees it from your connection (never your IP address or city).",
  },
  {
    name: EDGE.colo,
    where: "every span, added by our server",
    purpose: "The Cloudflare data centre that served you, to find slowness in one region.",
  },
];

/** Every attribute a browser span can have once stored: the Cookie Policy's complete list. */
export const STORED_ATTRIBUTES: readonly { name: string; purpose: string; where: string }[] = [
  ...RUM_ATTRIBUTES,
  ...EDGE_ATTRIBUTES,
];

export function rumAttributeNames(): ReadonlySet<string> {
  return new Set(RUM_ATTRIBUTES.map((attribute) => attribute.name));
}
