// What the OpenAPI document says of each route beyond its schemas: a summary, the success answer,
// and the errors the route itself answers. Errors of the middleware in front of it (session,
// fresh sign-in, CSRF, tokens, tenant membership, schemas, rate limits) are added by document.ts.
// Not part of the Worker bundle: only scripts/openapi.ts and the tests import it.
import type * as v from "valibot";
import type { ErrorCode } from "../error-codes.ts";
import * as r from "./responses.ts";

export type Operation = {
  summary: string;
  /** The success status, what it carries, and its JSON body's schema (responses.ts). */
  ok: [status: number, description: string, body?: v.GenericSchema];
  /** A code alone comes with its first status in ERROR_CODES. */
  errors?: readonly (ErrorCode | [ErrorCode, number])[];
};

const TELEMETRY_READ = "Signed-in member, or a backend token of the tenant";

export const OPERATIONS: Record<string, Operation> = {
  "GET /api/health": {
    summary: "Liveness with one database round trip",
    ok: [200, '{"status":"ok","db":"ok"}', r.Health],
  },
  "GET /api/openapi.json": {
    summary: "This document",
    ok: [200, "The OpenAPI 3.1 document", r.OpenApiDocument],
  },

  "POST /api/auth/signup/options": {
    summary: "Start a sign-up: passkey creation options",
    ok: [200, "PublicKeyCredentialCreationOptionsJSON", r.CreationOptions],
    errors: ["EMAIL_TAKEN"],
  },
  "POST /api/auth/signup/verify": {
    summary: "Finish a sign-up with the new passkey",
    ok: [201, "{user} and the session cookie", r.SignedIn],
    errors: ["PASSKEY_VERIFICATION_FAILED", "EMAIL_TAKEN"],
  },
  "POST /api/auth/passkey/options": {
    summary: "Start a passkey sign-in",
    ok: [200, "PublicKeyCredentialRequestOptionsJSON", r.RequestOptions],
  },
  "POST /api/auth/passkey/verify": {
    summary: "Finish a passkey sign-in",
    ok: [200, "{user} and the session cookie", r.SignedIn],
    errors: ["PASSKEY_VERIFICATION_FAILED"],
  },
  "POST /api/auth/logout": { summary: "End this session", ok: [204, "Signed out"] },
  "POST /api/auth/reauth/passkey/options": {
    summary: "Start a passkey step-up",
    ok: [200, "PublicKeyCredentialRequestOptionsJSON", r.RequestOptions],
  },
  "POST /api/auth/reauth/passkey/verify": {
    summary: "Finish a passkey step-up",
    ok: [204, "The session is freshly authenticated"],
    errors: ["PASSKEY_VERIFICATION_FAILED"],
  },
  "POST /api/auth/reauth/totp": {
    summary: "Step up with an authenticator code",
    ok: [204, "The session is freshly authenticated"],
    errors: ["TOTP_INVALID", "TOO_MANY_ATTEMPTS"],
  },
  "GET /api/auth/passkeys": { summary: "List one's passkeys", ok: [200, "The passkeys", r.Passkeys] },
  "POST /api/auth/passkeys/options": {
    summary: "Start adding a passkey",
    ok: [200, "Creation options", r.CreationOptions],
  },
  "POST /api/auth/passkeys/verify": {
    summary: "Finish adding a passkey",
    ok: [201, "The new passkey", r.Passkey],
    errors: ["PASSKEY_VERIFICATION_FAILED"],
  },
  "PATCH /api/auth/passkeys/:id": {
    summary: "Rename a passkey",
    ok: [200, "The passkey", r.Passkey],
    errors: ["NOT_FOUND"],
  },
  "DELETE /api/auth/passkeys/:id": {
    summary: "Delete a passkey",
    ok: [204, "Deleted"],
    errors: ["NOT_FOUND", "LAST_CREDENTIAL"],
  },
  "POST /api/auth/totp/signin": {
    summary: "Sign in with email and an authenticator code",
    ok: [200, "{user} and the session cookie", r.SignedIn],
    errors: ["TOTP_INVALID", "TOO_MANY_ATTEMPTS"],
  },
  "POST /api/auth/totp/setup": {
    summary: "Start setting up an authenticator app",
    ok: [200, "{secret, otpauthUri}", r.TotpSetup],
    errors: ["TOTP_ALREADY_ENABLED"],
  },
  "POST /api/auth/totp/enable": {
    summary: "Turn on the authenticator app with its first code",
    ok: [204, "Enabled"],
    errors: [["TOTP_INVALID", 400]],
  },
  "DELETE /api/auth/totp": {
    summary: "Turn off the authenticator app",
    ok: [204, "Disabled"],
    errors: ["LAST_CREDENTIAL"],
  },
  "POST /api/auth/recovery/signin": {
    summary: "Sign in with email and a recovery code",
    ok: [200, "{user} and the session cookie", r.SignedIn],
    errors: ["RECOVERY_CODE_INVALID", "TOO_MANY_ATTEMPTS"],
  },
  "POST /api/auth/recovery-codes": {
    summary: "Replace one's recovery codes",
    ok: [200, "{codes}, shown once", r.RecoveryCodes],
  },
  "POST /api/auth/email/verify": {
    summary: "Confirm an email address with the link's token",
    ok: [204, "Confirmed"],
    errors: [
      "VERIFICATION_LINK_INVALID",
      "VERIFICATION_LINK_EXPIRED",
      "VERIFICATION_LINK_USED",
      "EMAIL_TAKEN",
    ],
  },
  "POST /api/auth/email/resend": {
    summary: "Send the confirmation link again",
    ok: [202, "Queued"],
    errors: ["EMAIL_ALREADY_VERIFIED"],
  },
  "POST /api/auth/email/change": {
    summary: "Change one's email address (confirmed by a link)",
    ok: [202, "Queued"],
    errors: ["EMAIL_TAKEN"],
  },

  "GET /api/me": { summary: "The signed-in user", ok: [200, "{user, tenants, …}", r.Me] },
  "GET /api/sessions": {
    summary: "List one's sessions",
    ok: [200, "The sessions, this one marked current", r.Sessions],
  },
  "DELETE /api/sessions": { summary: "Sign out everywhere else", ok: [204, "Other sessions ended"] },
  "DELETE /api/sessions/:id": { summary: "End one session", ok: [204, "Ended"], errors: ["NOT_FOUND"] },

  "GET /api/account/export": {
    summary: "Download all of one's data",
    ok: [200, "A JSON download", r.AccountExport],
  },
  "DELETE /api/account": {
    summary: "Schedule one's account for deletion",
    ok: [202, '{"status":"scheduled", purgeAfter, tenantsToDelete}', r.DeletionScheduled],
    errors: ["LAST_OWNER"],
  },
  "POST /api/account/restore/options": {
    summary: "Start restoring an account",
    ok: [200, "Request options", r.RequestOptions],
  },
  "POST /api/account/restore/verify": {
    summary: "Restore an account pending deletion",
    ok: [200, "{user} and the session cookie", r.SignedIn],
    errors: ["PASSKEY_VERIFICATION_FAILED", "NOT_RESTORABLE"],
  },

  "POST /api/tenants": { summary: "Create a tenant", ok: [201, "The tenant", r.CreatedTenant] },
  "GET /api/tenants": { summary: "List one's tenants", ok: [200, "The tenants with one's role", r.Tenants] },
  "GET /api/tenants/:tid": { summary: "Read a tenant", ok: [200, "The tenant with one's role", r.Tenant] },
  "PATCH /api/tenants/:tid": { summary: "Rename a tenant (owner)", ok: [200, "{id, name}", r.CreatedTenant] },
  "DELETE /api/tenants/:tid": { summary: "Delete a tenant (owner)", ok: [204, "Deleted"] },
  "GET /api/tenants/:tid/members": { summary: "List the members", ok: [200, "The members", r.Members] },
  "PATCH /api/tenants/:tid/members/:uid": {
    summary: "Change a member's role (admin)",
    ok: [200, "{userId, role}", r.MemberRole],
    errors: ["MEMBER_NOT_FOUND", "LAST_OWNER"],
  },
  "DELETE /api/tenants/:tid/members/:uid": {
    summary: "Remove a member, or leave",
    ok: [204, "Removed"],
    errors: ["MEMBER_NOT_FOUND", "LAST_OWNER"],
  },
  "POST /api/tenants/:tid/invitations": {
    summary: "Invite by email (admin)",
    ok: [201, "The invitation and its link", r.CreatedInvitation],
  },
  "GET /api/tenants/:tid/invitations": {
    summary: "List pending invitations",
    ok: [200, "The invitations", r.Invitations],
  },
  "DELETE /api/tenants/:tid/invitations/:id": {
    summary: "Revoke an invitation",
    ok: [204, "Revoked"],
    errors: ["INVITATION_NOT_FOUND"],
  },
  "POST /api/invitations/accept": {
    summary: "Accept an invitation (token in the body)",
    ok: [200, "{tenantId, role}", r.AcceptedInvitation],
    errors: ["INVITATION_INVALID", "INVITATION_EMAIL_MISMATCH", "EMAIL_NOT_VERIFIED", "ALREADY_MEMBER"],
  },
  "POST /api/invitations/:token/accept": {
    summary: "Accept an invitation (token in the path)",
    ok: [200, "{tenantId, role}", r.AcceptedInvitation],
    errors: ["INVITATION_INVALID", "INVITATION_EMAIL_MISMATCH", "EMAIL_NOT_VERIFIED", "ALREADY_MEMBER"],
  },
  "POST /api/tenants/:tid/tokens": {
    summary: "Create an API token (admin)",
    ok: [201, "The token with its secret, once", r.CreatedToken],
  },
  "GET /api/tenants/:tid/tokens": {
    summary: "List API tokens, without secrets",
    ok: [200, "The tokens", r.Tokens],
  },
  "DELETE /api/tenants/:tid/tokens/:id": {
    summary: "Revoke an API token",
    ok: [204, "Revoked"],
    errors: ["TOKEN_NOT_FOUND"],
  },
  "GET /api/tenants/:tid/origins": {
    summary: "The allowed browser origins",
    ok: [200, "{origins}", r.Origins],
  },
  "PUT /api/tenants/:tid/origins": {
    summary: "Replace the allowed browser origins",
    ok: [200, "{origins}", r.Origins],
  },
  "GET /api/tenants/:tid/rum/routes": {
    summary: "The tenant's RUM route patterns",
    ok: [200, "{patterns}", r.RoutePatterns],
  },
  "PUT /api/tenants/:tid/rum/routes": {
    summary: "Replace the tenant's RUM route patterns",
    ok: [200, "{patterns}", r.RoutePatterns],
  },
  "GET /api/tenants/:tid/rum/privacy": {
    summary: "Whether browser log records keep their text",
    ok: [200, "{browserLogText}", r.BrowserLogText],
  },
  "PUT /api/tenants/:tid/rum/privacy": {
    summary: "Let browser log records keep their text, or not (owner)",
    ok: [200, "{browserLogText}", r.BrowserLogText],
  },
  "GET /api/tenants/:tid/audit": {
    summary: "The tenant's audit log, newest first",
    ok: [200, "Events; Link: next page", r.AuditEvents],
  },
  "GET /api/tenants/:tid/limits": {
    summary: "The tenant's plan and rate limits",
    ok: [200, "{plan, limits}", r.Limits],
  },
  "GET /api/tenants/:tid/retention": {
    summary: "How long telemetry is kept",
    ok: [200, "{days, configurable}", r.Retention],
  },
  "PUT /api/tenants/:tid/retention": {
    summary: "Choose how long telemetry is kept (owner, paid plans)",
    ok: [200, "{days, configurable}", r.Retention],
    errors: ["PLAN_REQUIRED"],
  },
  "GET /api/tenants/:tid/consent": {
    summary: "The consent policy",
    ok: [200, "{required, policyVersion, policyHash}", r.ConsentPolicy],
  },
  "PUT /api/tenants/:tid/consent": {
    summary: "Change the consent policy",
    ok: [200, "The new policy", r.ConsentPolicy],
    errors: ["POLICY_VERSION_DECREASED"],
  },
  "GET /api/tenants/:tid/consent/log": {
    summary: "Consent events per UTC day",
    ok: [200, "{from, to, days}", r.ConsentLog],
  },
  "GET /api/tenants/:tid/consent/receipts": {
    summary: "Export the receipt events of a range",
    ok: [200, "A JSON download {tenantId, from, to, truncated, events}", r.ConsentReceipts],
  },

  "GET /api/tenants/:tid/traces": {
    summary: `Search traces. ${TELEMETRY_READ}`,
    ok: [200, "Traces, newest first", r.TracesPage],
  },
  "GET /api/tenants/:tid/traces/:traceId": {
    summary: `One trace's spans. ${TELEMETRY_READ}`,
    ok: [200, "The trace", r.Trace],
    errors: ["TRACE_NOT_FOUND"],
  },
  "GET /api/tenants/:tid/services": {
    summary: `Services overview. ${TELEMETRY_READ}`,
    ok: [200, "Per service", r.ServicesOverview],
  },
  "GET /api/tenants/:tid/logs": {
    summary: `Search logs. ${TELEMETRY_READ}`,
    ok: [200, "Log records", r.LogsPage],
  },
  "GET /api/tenants/:tid/logs/severity": {
    summary: `Log counts per severity. ${TELEMETRY_READ}`,
    ok: [200, "Buckets", r.SeverityCounts],
  },
  "GET /api/tenants/:tid/metrics": {
    summary: `Metric names. ${TELEMETRY_READ}`,
    ok: [200, "{metrics}", r.MetricNames],
  },
  "GET /api/tenants/:tid/metrics/:name": {
    summary: `One metric's series. ${TELEMETRY_READ}`,
    ok: [200, "Series", r.MetricSeries],
  },
  "GET /api/tenants/:tid/rum/vitals": {
    summary: `Core Web Vitals p75. ${TELEMETRY_READ}`,
    ok: [200, "Series", r.VitalsReport],
  },
  "GET /api/tenants/:tid/rum/pages": {
    summary: `Per-page vitals and views. ${TELEMETRY_READ}`,
    ok: [200, "Pages", r.PagesReport],
  },
  "GET /api/tenants/:tid/rum/geo": {
    summary: `Visitors per country. ${TELEMETRY_READ}`,
    ok: [200, "Countries", r.GeoReport],
  },
  "GET /api/tenants/:tid/rum/attribution": {
    summary: `LCP elements and INP targets, optionally of one route. ${TELEMETRY_READ}`,
    ok: [200, "Attribution targets", r.AttributionReport],
  },
  "GET /api/tenants/:tid/rum/sessions": {
    summary: `The sessions of a route. ${TELEMETRY_READ}`,
    ok: [200, "Sessions", r.RouteSessions],
  },

  "OPTIONS /v1/:signal": { summary: "CORS preflight for browser ingest", ok: [204, "Allowed"] },
  "POST /v1/:signal": {
    summary: "OTLP/HTTP ingest (traces, metrics, logs; protobuf or JSON)",
    ok: [200, "ExportTrace/Metrics/LogsServiceResponse", r.OtlpExportResponse],
    errors: [
      "INVALID_BODY",
      "INVALID_GZIP",
      "UNSUPPORTED_ENCODING",
      "TOO_MANY_ITEMS",
      "ORIGIN_NOT_ALLOWED",
      "CONSENT_REQUIRED",
      "STORAGE_UNAVAILABLE",
    ],
  },
  "OPTIONS /v1/consent": { summary: "CORS preflight for consent receipts", ok: [204, "Allowed"] },
  "POST /v1/consent": {
    summary: "Issue a consent receipt (frontend token)",
    ok: [201, "{receipt, expiresAt}", r.ConsentReceipt],
    errors: ["GPC_OPT_OUT", "POLICY_VERSION_MISMATCH"],
  },
  "DELETE /v1/consent": {
    summary: "Withdraw consent (Sightline-Consent header)",
    ok: [204, "Withdrawn"],
    errors: ["CONSENT_RECEIPT_INVALID"],
  },
};
