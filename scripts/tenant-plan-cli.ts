// `npm run tenant:plan -- <tenant-id> <free|pro>`: an operator changes a tenant's rate-limit plan
// (scripts/tenant-plan.ts). Connects as the Worker's own role (APP_DATABASE_URL), so row-level
// security applies as it does in the Worker.
import { neonConfig } from "@neondatabase/serverless";
import { WebSocket } from "ws";
import { createDb, useLocalRelay } from "../db/client.ts";
import type { TenantPlan } from "../db/schema/index.ts";
import { PLANS, setTenantPlan } from "./tenant-plan.ts";

const [tenantId, plan] = process.argv.slice(2);
const appUrl = process.env.APP_DATABASE_URL;
const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
if (!appUrl || !uuid.test(tenantId ?? "") || !PLANS.includes(plan as TenantPlan)) {
  console.error(`Usage: APP_DATABASE_URL=… npm run tenant:plan -- <tenant-id> <${PLANS.join("|")}>`);
  process.exit(1);
}
neonConfig.webSocketConstructor = WebSocket;
if (process.env.DB_WS_PROXY) useLocalRelay(process.env.DB_WS_PROXY);
const { db, pool } = createDb(appUrl);
try {
  const previous = await setTenantPlan(db, tenantId, plan as TenantPlan);
  if (previous === null) {
    console.error(`No tenant ${tenantId}`);
    process.exitCode = 1;
  } else {
    console.log(`Tenant ${tenantId}: plan ${previous} → ${plan} (applies within a minute)`);
  }
} finally {
  await pool.end();
}
