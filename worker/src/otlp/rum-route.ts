// The route of a RUM event, decided at the edge before it becomes a row or a rollup key: the
// tenant's first matching pattern for the page's url.path, else the default templating of the
// route the client reported (url.template: an SPA may know its router's route) or of the path.
// Re-templating what a client claims keeps the rollups' cardinality out of the client's hands.
import { ATTR, SPAN } from "../../../rum-sdk/src/attributes.ts";
import { defaultRoute, tenantRouteOf } from "../../../rum-sdk/src/route-template.ts";
import type { Attributes } from "./attributes.ts";

/** OpenTelemetry's web-vitals instrumentation names its log events so (semantic conventions). */
export const WEB_VITAL_EVENT = "browser.web_vital";

const RUM_SPANS: ReadonlySet<string> = new Set([SPAN.pageView, SPAN.webVital]);

export function isRumSpan(name: string): boolean {
  return RUM_SPANS.has(name);
}

/** The attributes with url.template set to the event's route (unchanged without a path). */
export function withRoute(attributes: Attributes, patterns: readonly string[]): Attributes {
  const path = attributes[ATTR.urlPath];
  const template = attributes[ATTR.urlTemplate];
  const claimed = typeof template === "string" ? template : typeof path === "string" ? path : undefined;
  if (claimed === undefined) return attributes;
  const route =
    (typeof path === "string" ? tenantRouteOf(path, patterns) : undefined) ?? defaultRoute(claimed);
  return { ...attributes, [ATTR.urlTemplate]: route };
}
