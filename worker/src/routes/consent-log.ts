// Consent for tenant admins (docs/api.md, "Consent"): the tenant's consent policy (GET/PUT), the
// consent log as daily counts, and the export of every receipt event of a range as proof of
// consent (GDPR Art. 7(1)). Admins only: the log is about the tenant's visitors.
import { Hono, type Context } from "hono";
import { consentCountsByDay, consentEventsIn } from "../consent/consent-log.ts";
import { readConsentPolicy, saveConsentPolicy, type ConsentPolicy } from "../consent/policies.ts";
import type { AppEnv } from "../env.ts";
import { HttpError } from "../errors.ts";
import { recordTenantEvent, requireTenantRole, signedInBrowser } from "../middleware/tenant.ts";
import { parseTimeRange, type TimeRange } from "../query/time-range.ts";
import { jsonBody } from "../request-body.ts";
import { DAY_MS } from "../retention/policy.ts";
import { rejectUnknownFields } from "../unknown-fields.ts";

/** One export answers at most this many events; narrow the range for more. */
export const EXPORT_MAX_EVENTS = 50_000;
const LOG_DEFAULT_DAYS = 30;

function rangeOf(c: Context<AppEnv>): TimeRange {
  const { from, to } = c.req.query();
  const end = to ?? new Date().toISOString();
  const parsed = parseTimeRange({
    to: end,
    from: from ?? new Date(Date.parse(end) - LOG_DEFAULT_DAYS * DAY_MS).toISOString(),
  });
  if (!parsed.ok) throw new HttpError(400, "INVALID_REQUEST", parsed.message);
  return parsed.value;
}

function policyChangeOf(body: Record<string, unknown>, before: ConsentPolicy): ConsentPolicy {
  rejectUnknownFields(body, ["required", "policyVersion", "policyHash"]);
  const {
    required = before.required,
    policyVersion = before.policyVersion,
    policyHash = before.policyHash,
  } = body;
  if (typeof required !== "boolean")
    throw new HttpError(400, "INVALID_REQUEST", "required: expected a boolean");
  if (!Number.isInteger(policyVersion) || (policyVersion as number) > 2 ** 31 - 1)
    throw new HttpError(400, "INVALID_REQUEST", "policyVersion: expected an integer");
  if ((policyVersion as number) < before.policyVersion)
    throw new HttpError(409, "POLICY_VERSION_DECREASED", `policyVersion: at least ${before.policyVersion}`);
  if (policyHash !== null && (typeof policyHash !== "string" || !/^[0-9a-f]{64}$/.test(policyHash)))
    throw new HttpError(
      400,
      "INVALID_REQUEST",
      "policyHash: expected the SHA-256 of the policy text, lower-case hex, or null",
    );
  return { required, policyVersion: policyVersion as number, policyHash: policyHash as string | null };
}

export const consentLogRoutes = new Hono<AppEnv>()
  .get("/:tid/consent", ...signedInBrowser, requireTenantRole("admin"), async (c) =>
    c.json(await readConsentPolicy(c.var.tenantTx)),
  )
  .put("/:tid/consent", ...signedInBrowser, requireTenantRole("admin"), async (c) => {
    const before = await readConsentPolicy(c.var.tenantTx);
    const after = policyChangeOf(await jsonBody(c), before);
    await saveConsentPolicy(c.var.tenantTx, c.var.tenant.id, after, new Date());
    await recordTenantEvent(c, "consent.policy_changed", { before, after });
    return c.json(after);
  })
  .get("/:tid/consent/log", ...signedInBrowser, requireTenantRole("admin"), async (c) => {
    const range = rangeOf(c);
    const days = await consentCountsByDay(c.var.tenantTx, range);
    return c.json({ from: range.from.toISOString(), to: range.to.toISOString(), days });
  })
  .get("/:tid/consent/receipts", ...signedInBrowser, requireTenantRole("admin"), async (c) => {
    const range = rangeOf(c);
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
