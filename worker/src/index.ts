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
import { account } from "./routes/account.ts";
import { auth } from "./routes/auth.ts";
import { apiTokenRoutes } from "./routes/api-tokens.ts";
import { bench } from "./routes/bench.ts";
import { consent } from "./routes/consent.ts";
import { consentLogRoutes } from "./routes/consent-log.ts";
import { emailRoutes } from "./routes/email.ts";
import { health } from "./routes/health.ts";
import { invitationAcceptance, tenantInvitations } from "./routes/invitations.ts";
import { limits } from "./routes/limits.ts";
import { me } from "./routes/me.ts";
import { openapi } from "./routes/openapi.ts";
import { otlp } from "./routes/otlp.ts";
import { passkeyRoutes } from "./routes/passkeys.ts";
import { query } from "./routes/query.ts";
import { recoveryCodes } from "./routes/recovery-codes.ts";
import { sessionRoutes } from "./routes/sessions.ts";
import { tenantSettings } from "./routes/tenant-settings.ts";
import { telemetryRetentionRoutes } from "./routes/telemetry-retention.ts";
import { tenantRoutes } from "./routes/tenants.ts";
import { totp, totpReauth } from "./routes/totp.ts";

export const app = new Hono<AppEnv>();

app.use("*", requestId, apiHeaders, database);
// Rate limits are declared by each router beside its routes (docs/rate-limiting.md);
// tests/worker/rate-limit-coverage.test.ts checks that every route has one.

app.route("/api/health", health);
app.route("/api/openapi.json", openapi);
app.route("/api/bench", bench);
app.route("/api/auth", auth);
app.route("/api/auth/passkeys", passkeyRoutes);
app.route("/api/auth/totp", totp);
app.route("/api/auth/reauth/totp", totpReauth);
app.route("/api/auth", recoveryCodes);
app.route("/api/auth/email", emailRoutes);
app.route("/api/sessions", sessionRoutes);
app.route("/api/me", me);
app.route("/api/account", account);
app.route("/api/tenants", tenantRoutes);
app.route("/api/tenants", tenantInvitations);
app.route("/api/tenants", apiTokenRoutes);
app.route("/api/tenants", tenantSettings);
app.route("/api/tenants", telemetryRetentionRoutes);
app.route("/api/tenants", consentLogRoutes);
app.route("/api/invitations", invitationAcceptance);
app.route("/api/tenants/:tid/limits", limits);
app.route("/v1/consent", consent);
app.route("/v1", otlp);
app.route("/api/tenants/:tid", query);

answerWrongMethodsWith405(app);
app.notFound((c) =>
  problemResponse(c, new HttpError(404, "NOT_FOUND", `No route for ${c.req.method} ${c.req.path}`)),
);
app.onError(handleError);

export { RateLimiter } from "./rate-limiter.ts";

export default {
  fetch: app.fetch,
  // The queue consumer and the Cron jobs run in invocations of their own: their modules are loaded
  // there, not when an isolate starts for a request (docs/round-trips.md, "Cold start").
  scheduled: async (controller, env, ctx) => (await import("./scheduled.ts")).scheduled(controller, env, ctx),
  queue: async (batch, env) => (await import("./ingest-queue/consumer.ts")).consumeIngest(batch, env),
} satisfies ExportedHandler<Env>;
