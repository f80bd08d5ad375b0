// The response schemas (responses.ts) agree with the routes' own types: for each route whose
// handler's answer TypeScript knows, the schema's output (as JSON) and the route's answer must be
// assignable both ways, so a field added to, dropped from or retyped in a route fails `tsc -p
// worker` until responses.ts (and so the OpenAPI document) says the same. What the types cannot
// see (formats, strictness at run time) tests/worker/openapi-responses.test.ts checks on real answers.
// Types only: nothing imports this file.
import type { HonoBase } from "hono/hono-base";
import type { JSONParsed } from "hono/utils/types";
import type * as v from "valibot";
import type { AppEnv } from "../env.ts";
import type { apiTokenRoutes } from "../routes/api-tokens.ts";
import type { consentLogRoutes } from "../routes/consent-log.ts";
import type { consent } from "../routes/consent.ts";
import type { invitationAcceptance, tenantInvitations } from "../routes/invitations.ts";
import type { limits } from "../routes/limits.ts";
import type { me } from "../routes/me.ts";
import type { passkeyRoutes } from "../routes/passkeys.ts";
import type { query } from "../routes/query.ts";
import type { recoveryCodes } from "../routes/recovery-codes.ts";
import type { sessionRoutes } from "../routes/sessions.ts";
import type { telemetryRetentionRoutes } from "../routes/telemetry-retention.ts";
import type { tenantSettings } from "../routes/tenant-settings.ts";
import type { tenantRoutes } from "../routes/tenants.ts";
import type { totp } from "../routes/totp.ts";
import type { account } from "../routes/account.ts";
import type * as r from "./responses.ts";

/** What a router's `path` answers to `method` (hono's view of the handler's c.json). */
type Answer<Routes, Path extends string, Method extends string> =
  Routes extends HonoBase<AppEnv, infer Schema, "/", string>
    ? Schema extends Record<Path, Record<Method, { output: infer Output }>>
      ? Output
      : never
    : never;

type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;

/** true, or a compile error naming the route whose schema and answer part. */
type Agrees<Schema extends v.GenericSchema, Route> =
  Same<JSONParsed<v.InferOutput<Schema>>, Route> extends true ? true : { schemaAndRouteDiffer: Route };

type Check<T extends true> = T;

export type ResponseSchemasAgree = [
  Check<Agrees<typeof r.Me, Answer<typeof me, "/", "$get">>>,
  Check<Agrees<typeof r.Sessions, Answer<typeof sessionRoutes, "/", "$get">>>,
  Check<Agrees<typeof r.Passkeys, Answer<typeof passkeyRoutes, "/", "$get">>>,
  Check<Agrees<typeof r.Passkey, Answer<typeof passkeyRoutes, "/verify", "$post">>>,
  Check<Agrees<typeof r.Passkey, Answer<typeof passkeyRoutes, "/:id", "$patch">>>,
  Check<Agrees<typeof r.TotpSetup, Answer<typeof totp, "/setup", "$post">>>,
  Check<Agrees<typeof r.RecoveryCodes, Answer<typeof recoveryCodes, "/recovery-codes", "$post">>>,
  Check<Agrees<typeof r.SignedIn, Answer<typeof account, "/restore/verify", "$post">>>,
  Check<Agrees<typeof r.CreatedTenant, Answer<typeof tenantRoutes, "/", "$post">>>,
  Check<Agrees<typeof r.Tenants, Answer<typeof tenantRoutes, "/", "$get">>>,
  Check<Agrees<typeof r.Tenant, Answer<typeof tenantRoutes, "/:tid", "$get">>>,
  Check<Agrees<typeof r.CreatedTenant, Answer<typeof tenantRoutes, "/:tid", "$patch">>>,
  Check<Agrees<typeof r.Members, Answer<typeof tenantRoutes, "/:tid/members", "$get">>>,
  Check<Agrees<typeof r.MemberRole, Answer<typeof tenantRoutes, "/:tid/members/:uid", "$patch">>>,
  Check<Agrees<typeof r.CreatedInvitation, Answer<typeof tenantInvitations, "/:tid/invitations", "$post">>>,
  Check<Agrees<typeof r.Invitations, Answer<typeof tenantInvitations, "/:tid/invitations", "$get">>>,
  Check<Agrees<typeof r.AcceptedInvitation, Answer<typeof invitationAcceptance, "/accept", "$post">>>,
  Check<Agrees<typeof r.AcceptedInvitation, Answer<typeof invitationAcceptance, "/:token/accept", "$post">>>,
  Check<Agrees<typeof r.CreatedToken, Answer<typeof apiTokenRoutes, "/:tid/tokens", "$post">>>,
  Check<Agrees<typeof r.Tokens, Answer<typeof apiTokenRoutes, "/:tid/tokens", "$get">>>,
  Check<Agrees<typeof r.Origins, Answer<typeof tenantSettings, "/:tid/origins", "$get">>>,
  Check<Agrees<typeof r.Origins, Answer<typeof tenantSettings, "/:tid/origins", "$put">>>,
  Check<Agrees<typeof r.RoutePatterns, Answer<typeof tenantSettings, "/:tid/rum/routes", "$get">>>,
  Check<Agrees<typeof r.RoutePatterns, Answer<typeof tenantSettings, "/:tid/rum/routes", "$put">>>,
  Check<Agrees<typeof r.BrowserLogText, Answer<typeof tenantSettings, "/:tid/rum/privacy", "$get">>>,
  Check<Agrees<typeof r.BrowserLogText, Answer<typeof tenantSettings, "/:tid/rum/privacy", "$put">>>,
  Check<Agrees<typeof r.AuditEvents, Answer<typeof tenantSettings, "/:tid/audit", "$get">>>,
  Check<Agrees<typeof r.Limits, Answer<typeof limits, "/", "$get">>>,
  Check<Agrees<typeof r.Retention, Answer<typeof telemetryRetentionRoutes, "/:tid/retention", "$get">>>,
  Check<Agrees<typeof r.Retention, Answer<typeof telemetryRetentionRoutes, "/:tid/retention", "$put">>>,
  Check<Agrees<typeof r.ConsentPolicy, Answer<typeof consentLogRoutes, "/:tid/consent", "$get">>>,
  Check<Agrees<typeof r.ConsentPolicy, Answer<typeof consentLogRoutes, "/:tid/consent", "$put">>>,
  Check<Agrees<typeof r.ConsentLog, Answer<typeof consentLogRoutes, "/:tid/consent/log", "$get">>>,
  Check<Agrees<typeof r.ConsentReceipts, Answer<typeof consentLogRoutes, "/:tid/consent/receipts", "$get">>>,
  Check<Agrees<typeof r.ConsentReceipt, Answer<typeof consent, "/", "$post">>>,
  Check<Agrees<typeof r.DeletionScheduled, Answer<typeof account, "/", "$delete">>>,
  Check<Agrees<typeof r.TracesPage, Answer<typeof query, "/traces", "$get">>>,
  Check<Agrees<typeof r.Trace, Answer<typeof query, "/traces/:traceId", "$get">>>,
  Check<Agrees<typeof r.ServicesOverview, Answer<typeof query, "/services", "$get">>>,
  Check<Agrees<typeof r.LogsPage, Answer<typeof query, "/logs", "$get">>>,
  Check<Agrees<typeof r.SeverityCounts, Answer<typeof query, "/logs/severity", "$get">>>,
  Check<Agrees<typeof r.MetricNames, Answer<typeof query, "/metrics", "$get">>>,
  Check<Agrees<typeof r.MetricSeries, Answer<typeof query, "/metrics/:name", "$get">>>,
  Check<Agrees<typeof r.VitalsReport, Answer<typeof query, "/rum/vitals", "$get">>>,
  Check<Agrees<typeof r.PagesReport, Answer<typeof query, "/rum/pages", "$get">>>,
  Check<Agrees<typeof r.GeoReport, Answer<typeof query, "/rum/geo", "$get">>>,
  Check<Agrees<typeof r.AttributionReport, Answer<typeof query, "/rum/attribution", "$get">>>,
  Check<Agrees<typeof r.RouteSessions, Answer<typeof query, "/rum/sessions", "$get">>>,
];
