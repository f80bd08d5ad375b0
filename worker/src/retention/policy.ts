// How long Sightline keeps what. The one source for these numbers: the retention jobs use them,
// the Privacy Policy page renders them, and tests/worker/retention*.test.ts check that the
// database's purge functions (migrations/*_privacy_rls.sql) enforce exactly these windows.
export const RETENTION = {
  /** A deleted account is restorable this long, then purged. */
  deletedAccountDays: 30,
  /** An expired API token is kept this long after its expiry (audit trail), then purged. */
  expiredApiTokenDays: 90,
  /** What is kept of an email once sent or given up: recipient, kind and times, never the message. */
  sentEmailDays: 30,
  /** An email verification link, used or not, after it expired (to tell "expired" from "unknown"). */
  expiredVerificationDays: 7,
  /** Audit log entries. */
  auditEventDays: 365,
  /**
   * Consent events (receipts issued and withdrawn) and refused-batch counts: 13 months, the
   * longest telemetry retention plus a month, so proof of consent outlives every span sent under it.
   */
  consentRecordDays: 395,
  /** Telemetry per tenant plan: free is fixed; paid plans choose within the range. */
  telemetry: { freeDays: 7, paidDefaultDays: 30, paidMinDays: 30, paidMaxDays: 365 },
} as const;

export const DAY_MS = 24 * 3600_000;
