// /app/t/<tid>/consent: the tenant's consent policy, daily consent counts and the receipt export
// (admins; GET /api/tenants/:tid/consent, /consent/log, /consent/receipts).
import { api } from "../lib/api.ts";
import { $ } from "../lib/dom.ts";
import { row } from "./page-parts.ts";
import { mountTenantPage, report, showAdminsOnly, tenantPath } from "./tenant-page.ts";
import type { ConsentLog as Log, ConsentPolicy as Policy } from "../lib/api-types.ts";

mountTenantPage(async (tenant) => {
  if (!showAdminsOnly(tenant, "#consent-log")) return;
  const [policy, log] = await Promise.all([
    api<Policy>(tenantPath(tenant.id, "/consent")),
    api<Log>(tenantPath(tenant.id, "/consent/log")),
  ]);
  if (!policy.ok) return void report(policy, "");
  if (!log.ok) return void report(log, "");
  const { required, policyVersion, policyHash } = policy.data;
  $("#policy").textContent =
    `Browser batches ${required ? "need" : "do not need"} a consent receipt. Policy version ${policyVersion}` +
    (policyHash ? `, SHA-256 ${policyHash}.` : ", no policy hash registered.");
  $("#days").append(
    ...log.data.days.map((day) =>
      row([day.day, String(day.accepted), String(day.withdrawn), String(day.refusedBatches)]),
    ),
  );
  if (log.data.days.length === 0) $("#days").append(row(["No consent events yet.", "", "", ""]));
  ($("#export") as HTMLAnchorElement).href = tenantPath(tenant.id, "/consent/receipts");
});
