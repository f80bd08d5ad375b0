// The single source of truth for the names of what Sightline's RUM SDK may send about a visitor.
// The SDK sets attributes only through `ATTR`; attribute-catalog.ts says what each one is for (the
// Cookie Policy renders it, the ingest firewall allows exactly those names). Tests fail when the
// SDK, the catalog and the policy drift apart. Names follow OpenTelemetry semantic conventions
// where one exists (session.id, user_agent.original, browser.*, url.path, enduser.id, user.roles).

export const ATTR = {
  // resource: identify the SDK and describe the browser, once per batch
  serviceName: "service.name",
  sdkName: "telemetry.sdk.name",
  sdkLanguage: "telemetry.sdk.language",
  sdkVersion: "telemetry.sdk.version",
  sessionId: "session.id",
  userAgent: "user_agent.original",
  language: "browser.language",
  platform: "browser.platform",
  mobile: "browser.mobile",
  screenWidth: "browser.screen.width",
  screenHeight: "browser.screen.height",
  viewportWidth: "browser.viewport.width",
  viewportHeight: "browser.viewport.height",
  pixelRatio: "browser.device_pixel_ratio",
  networkClass: "network.connection.effective_type",
  // every span: the page it belongs to
  urlPath: "url.path",
  /** The page's route: the path with ids as `:id` (rum-sdk/src/route-template.ts). */
  urlTemplate: "url.template",
  // page view
  pageTitle: "browser.page.title",
  pageSequence: "browser.page.sequence",
  referrerPath: "browser.page.referrer_path",
  previousPath: "browser.page.previous_path",
  // call-to-action click
  ctaName: "browser.cta.name",
  // web vitals
  vitalName: "browser.web_vital.name",
  vitalValue: "browser.web_vital.value",
  vitalRating: "browser.web_vital.rating",
  vitalTarget: "browser.web_vital.target",
  // web vitals as OpenTelemetry's web-vitals instrumentation sends them (log events; the
  // Sightline SDK does not set these, the ingest firewall keeps them on browser log records)
  eventName: "event.name",
  vitalDelta: "browser.web_vital.delta",
  vitalId: "browser.web_vital.id",
  vitalNavigationType: "browser.web_vital.navigation_type",
  // static resources
  resourcePath: "browser.resource.path",
  resourceType: "browser.resource.type",
  resourceSize: "http.response.body.size",
  resourceDuration: "browser.resource.duration",
  // signed-in dashboard pages only
  enduserId: "enduser.id",
  tenantId: "tenant.id",
  userRoles: "user.roles",
} as const;

/** Span names the SDK emits. */
export const SPAN = {
  pageView: "browser.page_view",
  ctaClick: "browser.cta_click",
  webVital: "browser.web_vital",
  resource: "browser.resource",
} as const;

export type RumAttributeName = (typeof ATTR)[keyof typeof ATTR];
