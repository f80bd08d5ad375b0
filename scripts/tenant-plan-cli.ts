// An operator changes a tenant's rate limits (scripts/tenant-plan.ts):
//   npm run tenant:plan -- <tenant-id> <free|pro>                              the plan
//   npm run tenant:plan -- <tenant-id> limit <ingest|api> <quota>/<seconds>    its own limit
//   npm run tenant:plan -- <tenant-id> limit <ingest|api> plan                 back to the plan's
// Connects as the Worker's own role (APP_DATABASE_URL), so row-level security applies as it does
// in the Worker.
import { neonConfig } from "@neondatabase/serverless";
import { WebSocket } from "ws";
import { createDb, useLocalRelay } from "../db/client.ts";
import type { TenantPlan } from "../db/schema/index.ts";
import type { Quota } from "../worker/src/rate-limit/policies.ts";
import {
  LIMITED_SURFACES,
  PLANS,
  setTenantLimit,
  setTenantPlan,
  type LimitedSurface,
} from "./tenant-plan.ts";

const [tenantId, what, surface, value] = process.argv.slice(2);
const appUrl = process.env.APP_DATABASE_URL;
const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const rate = /^([1-9][0-9]*)\/([1-9][0-9]*)$/.exec(value ?? "");
const limit: Quota | null | undefined =
  value === "plan" ? null : rate ? { quota: Number(rate[1]), windowSeconds: Number(rate[2]) } : undefined;
const planChange = PLANS.includes(what as TenantPlan) && surface === undefined;
const limitChange =
  what === "limit" && LIMITED_SURFACES.includes(surface as LimitedSurface) && limit !== undefined;
if (!appUrl || !uuid.test(tenantId ?? "") || !(planChange || limitChange)) {
  console.error(
    `Usage: APP_DATABASE_URL=… npm run tenant:plan -- <tenant-id> <${PLANS.join("|")}>\n` +
      `       APP_DATABASE_URL=… npm run tenant:plan -- <tenant-id> limit <${LIMITED_SURFACES.join("|")}> <quota>/<seconds>|plan`,
  );
  process.exit(1);
}
neonConfig.webSocketConstructor = WebSocket;
if (process.env.DB_WS_PROXY) useLocalRelay(process.env.DB_WS_PROXY);
const { db, pool } = createDb(appUrl);
const show = (quota: Quota | null) => (quota ? `${quota.quota}/${quota.windowSeconds}s` : "the plan's");
try {
  if (planChange) {
    const previous = await setTenantPlan(db, tenantId, what as TenantPlan);
    if (previous === null) throw new Error(`No tenant ${tenantId}`);
    console.log(`Tenant ${tenantId}: plan ${previous} → ${what} (applies to its next request)`);
  } else {
    const previous = await setTenantLimit(db, tenantId, surface as LimitedSurface, limit!);
    if (previous === undefined) throw new Error(`No tenant ${tenantId}`);
    console.log(
      `Tenant ${tenantId}: ${surface} limit ${show(previous)} → ${show(limit!)} (applies to its next request)`,
    );
  }
} catch (error) {
  console.error(error instanceof Error ? error.message : error);
  process.exitCode = 1;
} finally {
  await pool.end();
}
