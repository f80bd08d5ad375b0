// The privacy firewall for browser data (spans sent with a frontend token). Whatever a page or a
// modified SDK sends, only attribute names on the RUM allow-list are stored (client addresses,
// form values, stack traces and anything else are dropped), paths lose their query string and
// fragment, free text that could carry personal data (status messages, event and link attributes)
// is dropped, and the edge adds where the request came from at country and colo granularity. The
// allow-list has one source of truth, rum-sdk/src/attribute-catalog.ts, which the cookie policy
// page renders too.
import { EDGE, rumAttributeNames } from "../../../rum-sdk/src/attribute-catalog.ts";
import { ATTR } from "../../../rum-sdk/src/attributes.ts";
import type { Attributes } from "./attributes.ts";

/**
 * What the edge knows about the request (request.cf), never the client IP; the session its
 * consent receipt is bound to, when the tenant requires one (worker/src/consent/receipt-check.ts);
 * and whether the tenant's owner let browser log records keep their text (tenants.browser_log_text).
 */
export type EdgeFacts = { country?: string; colo?: string; sessionId?: string; logText?: boolean };

const ALLOWED = rumAttributeNames();

/** No allow-listed attribute needs more (selectors, titles, user agents): a cap, not a format. */
export const MAX_BROWSER_STRING_CHARS = 512;

/** A browser log line the tenant chose to keep: enough for a message, not a dumped document. */
export const MAX_BROWSER_LOG_BODY_CHARS = 2048;

export function allowedAttributes(attributes: Attributes): Attributes {
  const kept: Attributes = {};
  for (const [name, value] of Object.entries(attributes)) {
    if (!ALLOWED.has(name)) continue;
    if (typeof value !== "string") kept[name] = value;
    else
      kept[name] = (isPathAttribute(name) ? withoutQuery(value) : value).slice(0, MAX_BROWSER_STRING_CHARS);
  }
  return kept;
}

/**
 * A browser resource: allow-listed, and attributed to the receipt's session whatever the batch
 * claims, so a receipt copied into another tab or script cannot speak for another session.
 */
export function browserResource(attributes: Attributes, edge: EdgeFacts): Attributes {
  const kept = allowedAttributes(attributes);
  return edge.sessionId ? { ...kept, [ATTR.sessionId]: edge.sessionId } : kept;
}

export function enrichedAttributes(attributes: Attributes, edge: EdgeFacts): Attributes {
  return {
    ...allowedAttributes(attributes),
    ...(edge.country ? { [EDGE.country]: edge.country } : {}),
    ...(edge.colo ? { [EDGE.colo]: edge.colo } : {}),
  };
}

/**
 * Who was looking (signed-in dashboard pages): kept on spans only, because account erasure finds a
 * user's browser telemetry by `enduser.id` on spans (docs/privacy-operations.md); browser log
 * records never carry it.
 */
const IDENTITY: readonly string[] = [ATTR.enduserId, ATTR.tenantId, ATTR.userRoles];

export function withoutIdentity(attributes: Attributes): Attributes {
  return Object.fromEntries(Object.entries(attributes).filter(([name]) => !IDENTITY.includes(name)));
}

/** A URL or path without `?query` and `#fragment` (span names may hold one, e.g. "GET /a?b"). */
export function withoutQuery(text: string): string {
  return text.replace(/[?#][^\s]*/g, "");
}

function isPathAttribute(name: string): boolean {
  return name.endsWith(".path") || name.endsWith("_path");
}
