// Fills the settings page's "Rate limits" section. Only admins may read the limits: for anyone
// else (403) the section stays hidden.
import { api } from "../lib/api.ts";
import type { TenantLimits } from "../lib/api-types.ts";
import { $ } from "../lib/dom.ts";
import { tenantIdFromPath, tenantPath } from "./tenant-page.ts";

const SURFACES: Record<TenantLimits["limits"][number]["surface"], { label: string; unit: string }> = {
  ingest: { label: "Telemetry ingest", unit: "spans, points or log records" },
  api: { label: "API and dashboard", unit: "requests" },
};

const number = (n: number) => n.toLocaleString();

function rowOf(cells: string[]): HTMLTableRowElement {
  const tr = document.createElement("tr");
  for (const text of cells) tr.insertCell().textContent = text;
  return tr;
}

async function showLimits(): Promise<void> {
  const tenantId = tenantIdFromPath();
  if (!tenantId) return;
  const result = await api<TenantLimits>(tenantPath(tenantId, "/limits"));
  if (!result.ok) return;
  $("#limits-plan").textContent = `Plan: ${result.data.plan}. Quotas refill evenly over their window.`;
  $("#limits-rows").replaceChildren(
    ...result.data.limits.map((limit) => {
      const { label, unit } = SURFACES[limit.surface];
      return rowOf([
        label,
        `${number(limit.quota)} ${unit} per ${limit.windowSeconds} s`,
        number(limit.remaining),
        number(limit.refusedLast24h),
      ]);
    }),
  );
  $("#limits-section").hidden = false;
}

void showLimits();
