// GET/PUT /api/tenants/:tid/retention: how long the tenant's telemetry is kept. Members may read it;
// owners choose it, on paid plans only, within RETENTION.telemetry's range (docs/privacy-operations.md).
import { Hono } from "hono";
import * as v from "valibot";
import type { AppEnv } from "../env.ts";
import { HttpError } from "../errors.ts";
import { recordTenantEvent, requireTenantRole, signedInBrowser } from "../middleware/tenant.ts";
import { readTelemetryRetention, setTelemetryRetention } from "../privacy/telemetry-retention.ts";
import { jsonBody } from "../request-schema.ts";
import { RETENTION } from "../retention/policy.ts";

const { paidMinDays, paidMaxDays, freeDays } = RETENTION.telemetry;
const DAYS = `expected a whole number from ${paidMinDays} to ${paidMaxDays}`;
const retentionChange = jsonBody(
  v.strictObject({
    days: v.pipe(
      v.number(DAYS),
      v.integer(DAYS),
      v.minValue(paidMinDays, DAYS),
      v.maxValue(paidMaxDays, DAYS),
    ),
  }),
);

export const telemetryRetentionRoutes = new Hono<AppEnv>()
  .get("/:tid/retention", ...signedInBrowser, requireTenantRole("member"), async (c) =>
    c.json(await readTelemetryRetention(c.var.tenantTx, c.var.tenant.plan)),
  )
  .put("/:tid/retention", ...signedInBrowser, requireTenantRole("owner"), ...retentionChange, async (c) => {
    const body = c.req.valid("json");
    if (c.var.tenant.plan === "free") {
      throw new HttpError(
        409,
        "PLAN_REQUIRED",
        `The free plan keeps telemetry ${freeDays} days; upgrade to choose`,
      );
    }
    const before = await readTelemetryRetention(c.var.tenantTx, c.var.tenant.plan);
    await setTelemetryRetention(c.var.tenantTx, c.var.tenant.id, body.days, new Date());
    await recordTenantEvent(c, "retention.changed", { from: before.days, to: body.days });
    return c.json(await readTelemetryRetention(c.var.tenantTx, c.var.tenant.plan));
  });
