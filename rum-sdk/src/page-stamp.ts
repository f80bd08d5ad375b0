// Stamps every span with the page path and its route, and on signed-in dashboard pages with who is looking at
// which tenant. The dashboard sets those on <html> once /api/me answers (docs/rum-sdk.md).
import type { Context } from "@opentelemetry/api";
import type { ReadableSpan, Span, SpanProcessor } from "@opentelemetry/sdk-trace";
import { ATTR } from "./attributes.ts";
import { defaultRoute } from "./route-template.ts";

export function isDashboardPath(path: string): boolean {
  return /^\/app(\/|$)/.test(path);
}

export class PageStamp implements SpanProcessor {
  onStart(span: Span, _context: Context): void {
    const path = location.pathname;
    span.setAttribute(ATTR.urlPath, path);
    span.setAttribute(ATTR.urlTemplate, defaultRoute(path));
    if (!isDashboardPath(path)) return;
    const { sightlineUserId, sightlineTenantId, sightlineUserRoles } = document.documentElement.dataset;
    if (sightlineUserId) span.setAttribute(ATTR.enduserId, sightlineUserId);
    if (sightlineTenantId) span.setAttribute(ATTR.tenantId, sightlineTenantId);
    if (sightlineUserRoles) span.setAttribute(ATTR.userRoles, sightlineUserRoles.split(","));
  }

  onEnd(_span: ReadableSpan): void {}

  forceFlush(): Promise<void> {
    return Promise.resolve();
  }

  shutdown(): Promise<void> {
    return Promise.resolve();
  }
}
