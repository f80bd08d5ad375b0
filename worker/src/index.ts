// Builds the Worker: middleware order, route mounts and error handling live here and only here.
// Static pages are served by the assets layer before the Worker runs; the Worker runs first for
// /api/* and /v1/* (wrangler.toml `run_worker_first`).
import { Hono } from "hono";
import type { AppEnv } from "./env.ts";
import { handleError, HttpError, problemResponse } from "./errors.ts";
import { answerWrongMethodsWith405 } from "./method-not-allowed.ts";
import { apiHeaders } from "./middleware/api-headers.ts";
import { database } from "./middleware/database.ts";
import { requestId } from "./middleware/request-id.ts";
import { routeFamilies, type Compose, type Mount } from "./route-families.ts";

// Rate limits are declared by each router beside its routes (docs/rate-limiting.md);
// tests/worker/rate-limit-coverage.test.ts checks that every route has one.

// Every router, in mount order. A cold start evaluates none of them: each family (the routers
// under the same first two path segments, route-families.ts) is imported by its first request.
const MOUNTS: Mount[] = [
  ["/api/health", async () => (await import("./routes/health.ts")).health],
  ["/api/openapi.json", async () => (await import("./routes/openapi.ts")).openapi],
  ["/api/bench", async () => (await import("./routes/bench.ts")).bench],
  ["/api/auth", async () => (await import("./routes/auth.ts")).auth],
  ["/api/auth/passkeys", async () => (await import("./routes/passkeys.ts")).passkeyRoutes],
  ["/api/auth/totp", async () => (await import("./routes/totp.ts")).totp],
  ["/api/auth/reauth/totp", async () => (await import("./routes/totp.ts")).totpReauth],
  ["/api/auth", async () => (await import("./routes/recovery-codes.ts")).recoveryCodes],
  ["/api/auth/email", async () => (await import("./routes/email.ts")).emailRoutes],
  ["/api/sessions", async () => (await import("./routes/sessions.ts")).sessionRoutes],
  ["/api/me", async () => (await import("./routes/me.ts")).me],
  ["/api/account", async () => (await import("./routes/account.ts")).account],
  ["/api/tenants", async () => (await import("./routes/tenants.ts")).tenantRoutes],
  ["/api/tenants", async () => (await import("./routes/invitations.ts")).tenantInvitations],
  ["/api/tenants", async () => (await import("./routes/api-tokens.ts")).apiTokenRoutes],
  ["/api/tenants", async () => (await import("./routes/tenant-settings.ts")).tenantSettings],
  ["/api/tenants", async () => (await import("./routes/telemetry-retention.ts")).telemetryRetentionRoutes],
  ["/api/tenants", async () => (await import("./routes/consent-log.ts")).consentLogRoutes],
  ["/api/invitations", async () => (await import("./routes/invitations.ts")).invitationAcceptance],
  ["/api/tenants/:tid/limits", async () => (await import("./routes/limits.ts")).limits],
  ["/v1/consent", async () => (await import("./routes/consent.ts")).consent],
  ["/v1", async () => (await import("./routes/otlp.ts")).otlp],
  ["/api/tenants/:tid", async () => (await import("./routes/query.ts")).query],
];

/** One app of `routers`, with the middleware and the error handling of every request. */
const compose: Compose = (routers) => {
  const app = new Hono<AppEnv>();
  app.use("*", requestId, apiHeaders, database);
  for (const [path, router] of routers) app.route(path, router);
  answerWrongMethodsWith405(app);
  app.notFound((c) =>
    problemResponse(c, new HttpError(404, "NOT_FOUND", `No route for ${c.req.method} ${c.req.path}`)),
  );
  app.onError(handleError);
  return app;
};

/** Requests go to their family's app; `families.all()` is every route in one (for the OpenAPI document and tests). */
export const families = routeFamilies(MOUNTS, compose);

export { RateLimiter } from "./rate-limiter.ts";
export { TokenLookup } from "./token-lookup.ts";

export default {
  fetch: families.fetch,
  // The queue consumer and the Cron jobs run in invocations of their own: their modules are loaded
  // there, not when an isolate starts for a request (docs/round-trips.md, "Cold start").
  scheduled: async (controller, env, ctx) => (await import("./scheduled.ts")).scheduled(controller, env, ctx),
  queue: async (batch, env) => (await import("./ingest-queue/consumer.ts")).consumeIngest(batch, env),
} satisfies ExportedHandler<Env>;
