// A tenant's telemetry retention: fixed on the free plan, chosen within a range on paid plans
// (RETENTION.telemetry). The purge itself is retention_purge_telemetry, which applies the same rule
// in SQL; tests/worker/telemetry-retention.test.ts checks the two agree.
import { telemetryRetention, type TenantPlan } from "../../../db/schema/index.ts";
import type { Tx } from "../../../db/tenant-scope.ts";
import { RETENTION } from "../retention/policy.ts";

export type TelemetryRetention = {
  days: number;
  /** The range a paid plan may choose from; null on the free plan. */
  configurable: { minDays: number; maxDays: number } | null;
};

const { freeDays, paidDefaultDays, paidMinDays, paidMaxDays } = RETENTION.telemetry;

/** Inside the tenant's transaction. */
export async function readTelemetryRetention(tx: Tx, plan: TenantPlan): Promise<TelemetryRetention> {
  if (plan === "free") return { days: freeDays, configurable: null };
  const [row] = await tx.select({ days: telemetryRetention.days }).from(telemetryRetention);
  return { days: row?.days ?? paidDefaultDays, configurable: { minDays: paidMinDays, maxDays: paidMaxDays } };
}

/** Inside the tenant's transaction; the caller checked the plan and the range. */
export async function setTelemetryRetention(
  tx: Tx,
  tenantId: string,
  days: number,
  now: Date,
): Promise<void> {
  await tx
    .insert(telemetryRetention)
    .values({ tenantId, days, updatedAt: now })
    .onConflictDoUpdate({ target: telemetryRetention.tenantId, set: { days, updatedAt: now } });
}
