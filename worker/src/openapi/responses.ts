// The success bodies of the routes, declared with valibot and emitted as JSON Schema in the OpenAPI
// document (document.ts, through hono-openapi like the request schemas). Objects are strict: a
// field a route starts answering without being declared here fails the contract test
// (tests/worker/openapi-responses.test.ts, which validates real answers against the document), and
// response-types.ts fails `tsc -p worker` when a route's declared type and its schema part.
// Not part of the Worker bundle: only operations.ts imports it.
import * as v from "valibot";
import { VITALS, type Vital } from "../query/rum.ts";

/** An ISO-8601 UTC time, as every route writes it (Date#toISOString). */
const time = v.pipe(v.string(), v.isoTimestamp());
const role = v.picklist(["owner", "admin", "member"]);
const plan = v.picklist(["free", "pro"]);
/** Any JSON object (span and log attributes, audit details). */
const jsonObject = v.record(v.string(), v.unknown());
const count = v.pipe(v.number(), v.integer(), v.minValue(0));

/** The signed-in user, as the sign-in routes answer it. */
const user = v.strictObject({ id: v.string(), email: v.string(), name: v.string() });
export const SignedIn = v.strictObject({ user });

export const Health = v.strictObject({ status: v.literal("ok"), db: v.literal("ok") });
export const OpenApiDocument = v.looseObject({
  openapi: v.string(),
  info: v.looseObject({ title: v.string(), version: v.string() }),
  paths: jsonObject,
});

// WebAuthn options are @simplewebauthn's: the fields a browser needs are declared, the rest passes.
const credentialDescriptor = v.looseObject({
  id: v.string(),
  type: v.string(),
  transports: v.optional(v.array(v.string())),
});
export const CreationOptions = v.looseObject({
  challenge: v.string(),
  rp: v.looseObject({ name: v.string(), id: v.optional(v.string()) }),
  user: v.looseObject({ id: v.string(), name: v.string(), displayName: v.string() }),
  pubKeyCredParams: v.array(v.looseObject({ alg: v.number(), type: v.string() })),
  timeout: v.optional(v.number()),
  excludeCredentials: v.optional(v.array(credentialDescriptor)),
});
export const RequestOptions = v.looseObject({
  challenge: v.string(),
  timeout: v.optional(v.number()),
  rpId: v.optional(v.string()),
  allowCredentials: v.optional(v.array(credentialDescriptor)),
  userVerification: v.optional(v.string()),
});

export const Passkey = v.strictObject({
  id: v.string(),
  name: v.string(),
  provider: v.string(),
  backedUp: v.boolean(),
  createdAt: time,
  lastUsedAt: v.nullable(time),
});
export const Passkeys = v.array(Passkey);
export const TotpSetup = v.strictObject({ secret: v.string(), otpauthUri: v.string() });
export const RecoveryCodes = v.strictObject({ codes: v.array(v.string()) });

export const Me = v.strictObject({
  user: v.strictObject({ id: v.string(), email: v.string(), name: v.string(), emailVerified: v.boolean() }),
  session: v.strictObject({ id: v.string(), createdAt: time, expiresAt: time }),
  memberships: v.array(v.strictObject({ tenantId: v.string(), tenantName: v.string(), role })),
  totpEnabled: v.boolean(),
  passkeys: count,
});
export const Sessions = v.array(
  v.strictObject({
    id: v.string(),
    method: v.string(),
    userAgent: v.string(),
    createdAt: time,
    lastSeenAt: time,
    expiresAt: time,
    current: v.boolean(),
  }),
);

/** The account's data, streamed as one JSON object: its sections (worker/src/privacy/account-export.ts). */
const rows = v.array(jsonObject);
export const AccountExport = v.strictObject({
  format: v.string(),
  version: v.number(),
  exportedAt: time,
  profile: jsonObject,
  passkeys: rows,
  totpEnabled: v.boolean(),
  unusedRecoveryCodes: count,
  sessions: rows,
  memberships: v.array(v.strictObject({ tenantId: v.string(), tenantName: v.string(), role })),
  invitations: jsonObject,
  apiTokens: rows,
  email: jsonObject,
  auditEvents: rows,
  telemetry: v.strictObject({ spans: rows }),
});
export const DeletionScheduled = v.strictObject({
  status: v.literal("scheduled"),
  purgeAfter: time,
  tenantsToDelete: v.array(v.strictObject({ id: v.string(), name: v.string() })),
});

export const CreatedTenant = v.strictObject({ id: v.string(), name: v.string() });
export const Tenants = v.array(v.strictObject({ id: v.string(), name: v.string(), role }));
export const Tenant = v.strictObject({ id: v.string(), name: v.string(), plan, createdAt: time, role });
export const Members = v.array(
  v.strictObject({ userId: v.string(), email: v.string(), name: v.string(), role }),
);
export const MemberRole = v.strictObject({ userId: v.string(), role });

export const CreatedInvitation = v.strictObject({
  id: v.string(),
  email: v.string(),
  role,
  expiresAt: time,
  token: v.string(),
  url: v.pipe(v.string(), v.url()),
});
export const Invitations = v.array(
  v.strictObject({
    id: v.string(),
    email: v.string(),
    role,
    invitedBy: v.nullable(v.string()),
    createdAt: time,
    expiresAt: time,
  }),
);
export const AcceptedInvitation = v.strictObject({ tenantId: v.string(), role });

const tokenEntries = {
  id: v.string(),
  name: v.string(),
  description: v.string(),
  type: v.picklist(["backend", "frontend"]),
  createdBy: v.nullable(v.string()),
  createdAt: time,
  expiresAt: v.nullable(time),
  lastUsedAt: v.nullable(time),
};
export const CreatedToken = v.strictObject({ ...tokenEntries, token: v.string() });
export const Tokens = v.array(v.strictObject(tokenEntries));

export const Origins = v.strictObject({ origins: v.array(v.string()) });
export const RoutePatterns = v.strictObject({ patterns: v.array(v.string()) });
export const BrowserLogText = v.strictObject({ browserLogText: v.boolean() });
export const AuditEvents = v.array(
  v.strictObject({
    id: v.pipe(v.number(), v.integer()),
    occurredAt: time,
    action: v.string(),
    actorUserId: v.nullable(v.string()),
    actorEmail: v.nullable(v.string()),
    details: jsonObject,
    requestId: v.nullable(v.string()),
  }),
);
export const Limits = v.strictObject({
  plan,
  limits: v.array(
    v.strictObject({
      // The surfaces limited per tenant (worker/src/rate-limit/tenant-limits.ts).
      surface: v.picklist(["ingest", "api"]),
      quota: count,
      windowSeconds: count,
      remaining: v.number(),
      resetSeconds: v.number(),
      refusedLast24h: count,
    }),
  ),
});
export const Retention = v.strictObject({
  days: count,
  configurable: v.nullable(v.strictObject({ minDays: count, maxDays: count })),
});

export const ConsentPolicy = v.strictObject({
  required: v.boolean(),
  policyVersion: count,
  policyHash: v.nullable(v.string()),
});
export const ConsentLog = v.strictObject({
  from: time,
  to: time,
  days: v.array(
    v.strictObject({
      day: v.pipe(v.string(), v.isoDate()),
      accepted: count,
      withdrawn: count,
      refusedBatches: count,
    }),
  ),
});
export const ConsentReceipts = v.strictObject({
  tenantId: v.string(),
  from: time,
  to: time,
  truncated: v.boolean(),
  events: v.array(
    v.strictObject({
      receiptId: v.string(),
      choice: v.picklist(["accepted", "withdrawn"]),
      occurredAt: time,
      policyVersion: count,
      policyHash: v.nullable(v.string()),
      overrodeGpc: v.boolean(),
    }),
  ),
});
export const ConsentReceipt = v.strictObject({ receipt: v.string(), expiresAt: time });

// Telemetry reads (docs/query.md).
const spanStatus = v.picklist(["unset", "ok", "error"]);
const cursor = v.nullable(v.string());
export const TracesPage = v.strictObject({
  traces: v.array(
    v.strictObject({
      traceId: v.string(),
      rootSpanId: v.string(),
      name: v.string(),
      service: v.string(),
      startTime: time,
      durationMs: v.number(),
      status: spanStatus,
      spanCount: count,
      errorCount: count,
    }),
  ),
  nextCursor: cursor,
});
export const Trace = v.strictObject({
  traceId: v.string(),
  spans: v.array(
    v.strictObject({
      spanId: v.string(),
      parentSpanId: v.nullable(v.string()),
      name: v.string(),
      service: v.string(),
      kind: v.pipe(v.number(), v.integer()),
      startTime: time,
      durationMs: v.number(),
      status: spanStatus,
      statusMessage: v.nullable(v.string()),
      attributes: jsonObject,
      resource: jsonObject,
      events: v.array(v.strictObject({ time, name: v.string(), attributes: v.optional(jsonObject) })),
      links: v.array(
        v.strictObject({ traceId: v.string(), spanId: v.string(), attributes: v.optional(jsonObject) }),
      ),
    }),
  ),
});
const requestStats = {
  count,
  errors: count,
  rate: v.number(),
  errorRate: v.number(),
  p50: v.nullable(v.number()),
  p95: v.nullable(v.number()),
  p99: v.nullable(v.number()),
};
export const ServicesOverview = v.strictObject({
  from: time,
  to: time,
  stepSeconds: count,
  services: v.array(
    v.strictObject({
      ...requestStats,
      service: v.string(),
      operations: v.array(
        v.strictObject({
          ...requestStats,
          name: v.string(),
          sparkline: v.strictObject({ requests: v.array(count), errors: v.array(count) }),
        }),
      ),
    }),
  ),
});
export const LogsPage = v.strictObject({
  logs: v.array(
    v.strictObject({
      time,
      service: v.string(),
      severityNumber: v.pipe(v.number(), v.integer()),
      severityText: v.nullable(v.string()),
      body: v.nullable(v.string()),
      attributes: jsonObject,
      resource: jsonObject,
      traceId: v.nullable(v.string()),
      spanId: v.nullable(v.string()),
    }),
  ),
  nextCursor: cursor,
});
export const SeverityCounts = v.strictObject({
  stepSeconds: count,
  steps: v.array(
    v.strictObject({
      time,
      unset: count,
      trace: count,
      debug: count,
      info: count,
      warn: count,
      error: count,
      fatal: count,
    }),
  ),
});
export const MetricNames = v.strictObject({
  metrics: v.array(v.strictObject({ name: v.string(), unit: v.nullable(v.string()), type: v.string() })),
});
export const MetricSeries = v.strictObject({
  name: v.string(),
  unit: v.nullable(v.string()),
  type: v.nullable(v.string()),
  semantics: v.nullable(v.picklist(["rate", "sum", "gauge", "histogram", "summary"])),
  stepSeconds: count,
  truncated: v.boolean(),
  series: v.array(
    v.strictObject({
      attributes: jsonObject,
      // One point per step: its time, then the fields of the metric's semantics (docs/query.md).
      points: v.array(
        v.objectWithRest(
          { time },
          v.union([v.string(), v.number(), v.null(), v.record(v.string(), v.number())]),
        ),
      ),
    }),
  ),
});

const rating = v.picklist(["good", "needs-improvement", "poor"]);
/** `entry` for each Core Web Vital. */
const eachVital = <Entry extends v.GenericSchema>(entry: Entry) =>
  v.strictObject(Object.fromEntries(VITALS.map((vital) => [vital, entry])) as Record<Vital, Entry>);
/** `entry` for each Core Web Vital, each optional (a vital without samples is left out). */
const perVital = <Entry extends v.GenericSchema>(entry: Entry) => eachVital(v.optional(entry));
// A component of its own (#/components/schemas/VitalSummary), like Vitals below: the vitals report
// would spell it out 25 times.
const vitalSummary = v.pipe(
  v.strictObject({
    p75: v.number(),
    samples: count,
    rating,
    distribution: v.strictObject({ good: v.number(), needsImprovement: v.number(), poor: v.number() }),
  }),
  v.metadata({ ref: "VitalSummary" }),
);
/** Each vital's summary (#/components/schemas/Vitals): overall, per route and per breakdown value. */
const vitals = v.pipe(perVital(vitalSummary), v.metadata({ ref: "Vitals" }));
const breakdown = v.array(v.strictObject({ value: v.string(), samples: count, vitals }));
export const VitalsReport = v.strictObject({
  stepSeconds: count,
  thresholds: eachVital(
    v.strictObject({ good: v.number(), poor: v.number(), unit: v.picklist(["ms", "score"]) }),
  ),
  overall: vitals,
  series: perVital(v.array(v.strictObject({ time, p75: v.number(), samples: count }))),
  routes: v.array(v.strictObject({ route: v.string(), samples: count, vitals })),
  breakdowns: v.strictObject({ device: breakdown, network: breakdown, country: breakdown }),
});
export const PagesReport = v.strictObject({
  stepSeconds: count,
  total: count,
  routes: v.array(v.strictObject({ route: v.string(), views: count })),
  series: v.array(v.strictObject({ time, views: count })),
});
export const GeoReport = v.strictObject({
  countries: v.array(v.strictObject({ country: v.string(), views: count })),
  colos: v.array(v.strictObject({ colo: v.string(), views: count })),
});
const attributionTarget = v.strictObject({ target: v.string(), samples: count, p75: v.number(), rating });
export const AttributionReport = v.strictObject({
  LCP: v.array(attributionTarget),
  INP: v.array(attributionTarget),
});
export const RouteSessions = v.strictObject({
  sessions: v.array(
    v.strictObject({
      sessionId: v.string(),
      start: time,
      end: time,
      pageViews: count,
      vitals: count,
      poorVitals: count,
    }),
  ),
});

/** OTLP ExportServiceResponse as JSON (protobuf answers carry the same message). */
export const OtlpExportResponse = v.looseObject({
  partialSuccess: v.optional(
    v.looseObject({
      rejectedSpans: v.optional(v.union([v.string(), v.number()])),
      rejectedDataPoints: v.optional(v.union([v.string(), v.number()])),
      rejectedLogRecords: v.optional(v.union([v.string(), v.number()])),
      errorMessage: v.optional(v.string()),
    }),
  ),
});
