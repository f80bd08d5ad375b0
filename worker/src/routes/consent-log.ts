// Consent for tenant admins (docs/api.md, "Consent"): the tenant's consent policy (GET/PUT), the
// consent log as daily counts, and the export of every receipt event of a range as proof of
// consent (GDPR Art. 7(1)). Admins only: the log is about the tenant's visitors.
import { Hono } from "hono";
import * as v from "valibot";
import { consentCountsByDay, consentEventsIn } from "../consent/consent-log.ts";
import { readConsentPolicy, saveConsentPolicy, type ConsentPolicy } from "../consent/policies.ts";
import type { AppEnv } from "../env.ts";
import { HttpError } from "../errors.ts";
import { recordTenantEvent, requireTenantRole, signedInBrowser } from "../middleware/tenant.ts";
import { parseTimeRange, type TimeRange } from "../query/time-range.ts";
import { jsonBody, query } from "../request-schema.ts";
import { DAY_MS } from "../retention/policy.ts";

/** One export answers at most this many events; narrow the range for more. */
export const EXPORT_MAX_EVENTS = 50_000;
const LOG_DEFAULT_DAYS = 30;
const POLICY_HASH = "expected the SHA-256 of the policy text, lower-case hex, or null";

const ISO_TIME = "expected an ISO-8601 time";
/** Parsed (and checked against each other) by parseTimeRange. */
const timeRange = query(
  v.strictObject({ from: v.optional(v.string(ISO_TIME)), to: v.optional(v.string(ISO_TIME)) }),
);

const policyChange = jsonBody(
  v.strictObject({
    required: v.optional(v.boolean("expected a boolean")),
    policyVersion: v.optional(
      v.pipe(
        v.number("expected an integer"),
        v.integer("expected an integer"),
        v.maxValue(2 ** 31 - 1, "expected an integer"),
      ),
    ),
    policyHash: v.optional(
      v.nullable(v.pipe(v.string(POLICY_HASH), v.regex(/^[0-9a-f]{64}$/, POLICY_HASH)), POLICY_HASH),
    ),
  }),
);

function rangeOf({ from, to }: { from?: string; to?: string }): TimeRange {
  const end = to ?? new Date().toISOString();
  const parsed = parseTimeRange({
    to: end,
    from: from ?? new Date(Date.parse(end) - LOG_DEFAULT_DAYS * DAY_MS).toISOString(),
  });
  if (!parsed.ok) throw new HttpError(400, "INVALID_REQUEST", parsed.message);
  return parsed.value;
}

/** The change applied to the current policy; the version never goes down. */
function policyChangeOf(change: Partial<ConsentPolicy>, before: ConsentPolicy): ConsentPolicy {
  const after = { ...before, ...change };
  if (after.policyVersion < before.policyVersion)
    throw new HttpError(409, "POLICY_VERSION_DECREASED", `policyVersion: at least ${before.policyVersion}`);
  return after;
}

export const consentLogRoutes = new Hono<AppEnv>()
  .get("/:tid/consent", ...signedInBrowser, requireTenantRole("admin"), async (c) =>
    c.json(await readConsentPolicy(c.var.tenantTx)),
  )
  .put("/:tid/consent", ...signedInBrowser, requireTenantRole("admin"), ...policyChange, async (c) => {
    const before = await readConsentPolicy(c.var.tenantTx);
    const after = policyChangeOf(c.req.valid("json"), before);
    await saveConsentPolicy(c.var.tenantTx, c.var.tenant.id, after, new Date());
    await recordTenantEvent(c, "consent.policy_changed", { before, after });
    return c.json(after);
  })
  .get("/:tid/consent/log", ...signedInBrowser, requireTenantRole("admin"), timeRange, async (c) => {
    const range = rangeOf(c.req.valid("query"));
    const days = await consentCountsByDay(c.var.tenantTx, range);
    return c.json({ from: range.from.toISOString(), to: range.to.toISOString(), days });
  })
  .get("/:tid/consent/receipts", ...signedInBrowser, requireTenantRole("admin"), timeRange, async (c) => {
    const range = rangeOf(c.req.valid("query"));
    const events = await consentEventsIn(c.var.tenantTx, range, EXPORT_MAX_EVENTS + 1);
    const truncated = events.length > EXPORT_MAX_EVENTS;
    await recordTenantEvent(c, "consent.exported", {
      from: range.from.toISOString(),
      to: range.to.toISOString(),
    });
    c.header("Content-Disposition", `attachment; filename="consent-receipts-${c.var.tenant.id}.json"`);
    return c.json({
      tenantId: c.var.tenant.id,
      from: range.from.toISOString(),
      to: range.to.toISOString(),
      truncated,
      events: events.slice(0, EXPORT_MAX_EVENTS),
    });
  });
