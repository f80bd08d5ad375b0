// /app/t/<tid>/audit: the tenant's audit events, newest first, 50 at a time (admins).
import { api } from "../lib/api.ts";
import { $ } from "../lib/dom.ts";
import { row, when } from "./page-parts.ts";
import { mountTenantPage, report, showAdminsOnly, tenantPath, type Tenant } from "./tenant-page.ts";
import type { AuditEvent } from "../lib/api-types.ts";

const PAGE = 50;
let tenant: Tenant;
let oldest: number | null = null;

function describe(details: Record<string, unknown>): string {
  return Object.entries(details)
    .map(([key, value]) => `${key}: ${Array.isArray(value) ? value.join(", ") : String(value)}`)
    .join("; ");
}

async function loadPage(): Promise<void> {
  const query = `?limit=${PAGE}${oldest === null ? "" : `&before=${oldest}`}`;
  const events = await api<AuditEvent[]>(tenantPath(tenant.id, `/audit${query}`));
  if (!events.ok) return void report(events, "");
  $("#events").append(
    ...events.data.map((event) =>
      row([when(event.occurredAt), event.actorEmail ?? "—", event.action, describe(event.details)]),
    ),
  );
  if (events.data.length > 0) oldest = events.data[events.data.length - 1].id;
  $("#more").hidden = events.data.length < PAGE;
}

$("#more").addEventListener("click", () => void loadPage());

mountTenantPage(async (loaded) => {
  tenant = loaded;
  if (showAdminsOnly(tenant, "#audit")) await loadPage();
});
