// /app/t/<tid>/tokens: create (needs a recent sign-in; the secret is shown once with a copy
// button), list and revoke API tokens. Admins only; the API enforces it, the page explains it.
import { api } from "../lib/api.ts";
import { $, show } from "../lib/dom.ts";
import { withStepUp } from "../auth/step-up.ts";
import { button, oneTimeValue, row, when } from "./page-parts.ts";
import { mountTenantPage, report, showAdminsOnly, tenantPath, type Tenant } from "./tenant-page.ts";
import type { CreatedToken, Token } from "../lib/api-types.ts";

let tenant: Tenant;
const showSecret = oneTimeValue("#secret", "Token");

async function loadTokens(): Promise<void> {
  const tokens = await api<Token[]>(tenantPath(tenant.id, "/tokens"));
  if (!tokens.ok) return void report(tokens, "");
  $("#no-tokens").hidden = tokens.data.length > 0;
  $("#tokens").replaceChildren(
    ...tokens.data.map((token) =>
      row(
        [
          token.description ? `${token.name} — ${token.description}` : token.name,
          token.type,
          when(token.createdAt),
          token.expiresAt ? when(token.expiresAt) : "never",
          when(token.lastUsedAt),
        ],
        [button("Revoke", () => void revoke(token), `Revoke the token ${token.name}`)],
      ),
    ),
  );
}

async function revoke(token: Token): Promise<void> {
  if (!confirm(`Revoke “${token.name}”? Anything using it stops working immediately.`)) return;
  const result = await api(tenantPath(tenant.id, `/tokens/${token.id}`), "DELETE");
  if (report(result, `The token “${token.name}” was revoked.`)) await loadTokens();
}

$<HTMLFormElement>("#create").addEventListener("submit", async (event) => {
  event.preventDefault();
  const form = event.currentTarget as HTMLFormElement;
  const data = new FormData(form);
  const name = String(data.get("name") ?? "").trim();
  if (!name) return show($("#error"), "Please give the token a name.");
  const description = String(data.get("description") ?? "").trim();
  const expiry = String(data.get("expiresAt") ?? "");
  const body = {
    name,
    type: String(data.get("type")),
    ...(description ? { description } : {}),
    // The end of the chosen day, in the person's time zone.
    ...(expiry ? { expiresAt: new Date(`${expiry}T23:59:59`).toISOString() } : {}),
  };
  const created = await withStepUp(() => api<CreatedToken>(tenantPath(tenant.id, "/tokens"), "POST", body));
  if (!report(created, `Token “${name}” created.`) || !created.ok) return;
  form.reset();
  showSecret(created.data.token);
  await loadTokens();
});

mountTenantPage(async (loaded) => {
  tenant = loaded;
  if (showAdminsOnly(tenant, "#admin-only")) await loadTokens();
});
