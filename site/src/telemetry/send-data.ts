// The "send your first telemetry" empty state (components/telemetry/SendData.astro): OTLP settings
// and a browser snippet with this site's origin, shown for the token types the tenant has (all of
// them when it has none yet, or when a member may not list tokens).
import { api } from "../lib/api.ts";
import { $, show } from "../lib/dom.ts";
import type { Token } from "../lib/api-types.ts";
import { hasRole, tenantPath, type Tenant } from "../tenancy/tenant-page.ts";

export async function showSendData(tenant: Tenant): Promise<void> {
  const origin = location.origin;
  $("#otlp-settings").textContent = [
    `OTEL_EXPORTER_OTLP_ENDPOINT=${origin}`,
    "OTEL_EXPORTER_OTLP_PROTOCOL=http/protobuf",
    'OTEL_EXPORTER_OTLP_HEADERS="Authorization=Bearer <your backend token>"',
    "OTEL_SERVICE_NAME=<your service>",
  ].join("\n");
  $("#browser-snippet").textContent = [
    '<script type="module">',
    `  import { start } from "${origin}/rum/sdk.js";`,
    `  start({ token: "<your frontend token>", endpoint: "${origin}/v1/traces", serviceName: "<your site>" });`,
    "</script>",
  ].join("\n");
  const types = hasRole(tenant, "admin") ? await tokenTypes(tenant) : new Set<string>();
  $("#send-backend").hidden = types.size > 0 && !types.has("backend");
  $("#send-browser").hidden = types.size > 0 && !types.has("frontend");
  for (const button of document.querySelectorAll<HTMLButtonElement>("#send-data [data-copy]")) {
    button.onclick = async () => {
      try {
        await navigator.clipboard.writeText($(`#${button.dataset.copy}`).textContent ?? "");
        show($("#status"), "Copied to the clipboard.");
      } catch {
        show($("#status"), "Select the text and copy it.");
      }
    };
  }
  $("#send-data").hidden = false;
}

async function tokenTypes(tenant: Tenant): Promise<Set<string>> {
  const tokens = await api<Token[]>(tenantPath(tenant.id, "/tokens"));
  return new Set(tokens.ok ? tokens.data.map((token) => token.type) : []);
}
