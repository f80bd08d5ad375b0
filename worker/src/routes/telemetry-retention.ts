// GET/PUT /api/tenants/:tid/retention: how long the tenant's telemetry is kept. Members may read it;
// owners choose it, on paid plans only, within RETENTION.telemetry's range (docs/privacy-operations.md).
import { Hono } from "hono";
import type { AppEnv } from "../env.ts";
import { HttpError } from "../errors.ts";
import { recordTenantEvent, requireTenantRole, signedInBrowser } from "../middleware/tenant.ts";
import {
  isAllowedRetention,
  readTelemetryRetention,
  setTelemetryRetention,
} from "../privacy/telemetry-retention.ts";
import { jsonBody } from "../request-body.ts";
import { RETENTION } from "../retention/policy.ts";
import { rejectUnknownFields } from "../unknown-fields.ts";

export const telemetryRetentionRoutes = new Hono<AppEnv>()
  .get("/:tid/retention", ...signedInBrowser, requireTenantRole("member"), async (c) =>
    c.json(await readTelemetryRetention(c.var.tenantTx, c.var.tenant.plan)),
  )
  .put("/:tid/retention", ...signedInBrowser, requireTenantRole("owner"), async (c) => {
    const body = await jsonBody(c);
    rejectUnknownFields(body, ["days"]);
    const { paidMinDays, paidMaxDays, freeDays } = RETENTION.telemetry;
    if (!isAllowedRetention(body.days)) {
      throw new HttpError(
        400,
        "INVALID_REQUEST",
        `days: expected a whole number from ${paidMinDays} to ${paidMaxDays}`,
      );
    }
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
