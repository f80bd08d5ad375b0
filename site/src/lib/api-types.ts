// The pages' response types, taken from the Worker's routes (their declarations, emitted by
// `npm run types:api` into .api-types/): a route that changes what it answers fails `astro check`
// here and in the pages that read the field, instead of failing in a browser.
import type { Hono } from "hono";
import type { ClientResponse, hc, InferResponseType } from "hono/client";
import type { HonoBase } from "hono/hono-base";
import type { SuccessStatusCode } from "hono/utils/http-status";
import type { account } from "../../../.api-types/worker/src/routes/account.d.ts";
import type { apiTokenRoutes } from "../../../.api-types/worker/src/routes/api-tokens.d.ts";
import type { consentLogRoutes } from "../../../.api-types/worker/src/routes/consent-log.d.ts";
import type {
  invitationAcceptance,
  tenantInvitations,
} from "../../../.api-types/worker/src/routes/invitations.d.ts";
import type { tenantSettings } from "../../../.api-types/worker/src/routes/tenant-settings.d.ts";
import type { tenantRoutes } from "../../../.api-types/worker/src/routes/tenants.d.ts";
import type { limits } from "../../../.api-types/worker/src/routes/limits.d.ts";
import type { me } from "../../../.api-types/worker/src/routes/me.d.ts";
import type { passkeyRoutes } from "../../../.api-types/worker/src/routes/passkeys.d.ts";
import type { query } from "../../../.api-types/worker/src/routes/query.d.ts";
import type { recoveryCodes } from "../../../.api-types/worker/src/routes/recovery-codes.d.ts";
import type { sessionRoutes } from "../../../.api-types/worker/src/routes/sessions.d.ts";
import type { totp } from "../../../.api-types/worker/src/routes/totp.d.ts";

/** A router as declared (`HonoBase`) → the typed client hono/client derives from it. */
type Client<Routes> =
  Routes extends HonoBase<infer E, infer S, infer B> ? ReturnType<typeof hc<Hono<E, S, B>>> : never;
/** What a route answers with a success status (the JSON body). */
type Ok<Endpoint, Status extends SuccessStatusCode = 200 | 201> = Endpoint extends (
  ...args: never[]
) => Promise<ClientResponse<unknown>>
  ? InferResponseType<Endpoint, Status>
  : never;

type Tenants = Client<typeof tenantRoutes>;
type Invitations = Client<typeof tenantInvitations>;
type Tokens = Client<typeof apiTokenRoutes>;
type Settings = Client<typeof tenantSettings>;
type Consent = Client<typeof consentLogRoutes>;
/** The telemetry reads, mounted at /api/tenants/:tid. */
type Telemetry = Client<typeof query>;

export type Me = Ok<Client<typeof me>["index"]["$get"]>;
/** /api/auth/passkeys, /api/sessions, /api/auth/totp/setup, /api/auth/recovery-codes. */
export type Passkey = Ok<Client<typeof passkeyRoutes>["index"]["$get"]>[number];
export type Session = Ok<Client<typeof sessionRoutes>["index"]["$get"]>[number];
export type TotpSetup = Ok<Client<typeof totp>["setup"]["$post"]>;
export type RecoveryCodes = Ok<Client<typeof recoveryCodes>["recovery-codes"]["$post"]>;
/** DELETE /api/account: scheduled (202), erased after the restore period. */
export type AccountDeletion = Ok<Client<typeof account>["index"]["$delete"], 202>;
export type TenantLimits = Ok<Client<typeof limits>["index"]["$get"]>;
/** GET /api/tenants: the caller's tenants with their role in each; POST creates one. */
export type TenantSummary = Ok<Tenants["index"]["$get"]>[number];
export type CreatedTenant = Ok<Tenants["index"]["$post"]>;
export type Tenant = Ok<Tenants[":tid"]["$get"]>;
export type Member = Ok<Tenants[":tid"]["members"]["$get"]>[number];
export type Invitation = Ok<Invitations[":tid"]["invitations"]["$get"]>[number];
export type CreatedInvitation = Ok<Invitations[":tid"]["invitations"]["$post"]>;
/** POST /api/invitations/accept {token}. */
export type AcceptedInvitation = Ok<Client<typeof invitationAcceptance>["accept"]["$post"]>;
export type Token = Ok<Tokens[":tid"]["tokens"]["$get"]>[number];
export type CreatedToken = Ok<Tokens[":tid"]["tokens"]["$post"]>;
export type AuditEvent = Ok<Settings[":tid"]["audit"]["$get"]>[number];
export type Origins = Ok<Settings[":tid"]["origins"]["$get"]>;
export type RumPrivacy = Ok<Settings[":tid"]["rum"]["privacy"]["$get"]>;
export type ConsentPolicy = Ok<Consent[":tid"]["consent"]["$get"]>;
export type ConsentLog = Ok<Consent[":tid"]["consent"]["log"]["$get"]>;
export type VitalsReport = Ok<Telemetry["rum"]["vitals"]["$get"]>;
export type PagesReport = Ok<Telemetry["rum"]["pages"]["$get"]>;
export type GeoReport = Ok<Telemetry["rum"]["geo"]["$get"]>;
export type AttributionReport = Ok<Telemetry["rum"]["attribution"]["$get"]>;
export type RouteSessions = Ok<Telemetry["rum"]["sessions"]["$get"]>;
export type TracesPage = Ok<Telemetry["traces"]["$get"]>;
export type Trace = Ok<Telemetry["traces"][":traceId"]["$get"]>;
export type Span = Trace["spans"][number];
export type MetricNames = Ok<Telemetry["metrics"]["$get"]>;
export type MetricSeries = Ok<Telemetry["metrics"][":name"]["$get"]>;
export type SeverityCounts = Ok<Telemetry["logs"]["severity"]["$get"]>;
export type ServicesOverview = Ok<Telemetry["services"]["$get"]>;
export type LogsPage = Ok<Telemetry["logs"]["$get"]>;
