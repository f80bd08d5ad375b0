// The tenant that receives Sightline's own RUM (the marketing site and dashboard). `npm run dev`
// (and a deploy script) call ensureSiteTenant: it creates the tenant on first use, sets its allowed
// origins, and issues a frontend token for the site build. A token's secret cannot be read back,
// so every call issues a new one and deletes the previous site token: one live token at a time.
// The site tenant enforces consent receipts (siteConsentPolicy).
import { and, eq } from "drizzle-orm";
import type { Db } from "../../../db/client.ts";
import { apiTokens, tenants } from "../../../db/schema/index.ts";
import { withTenant } from "../../../db/tenant-scope.ts";
import { CONSENT_VERSION } from "../../../rum-sdk/src/consent-version.ts";
import { RUM_ATTRIBUTES } from "../../../rum-sdk/src/attribute-catalog.ts";
import { saveConsentPolicy, type ConsentPolicy } from "../consent/policies.ts";
import { createApiToken } from "./api-tokens.ts";
import { hex } from "../byte-encoding.ts";
import { sha256 } from "./secret-hash.ts";
import { parseOrigin, replaceAllowedOrigins } from "./origins.ts";

/** A fixed id, so that RUM_TENANT_ID can name the site tenant in every environment. */
export const SITE_TENANT_ID = "5117e000-0000-4000-8000-000000000001";
const SITE_TOKEN_NAME = "site RUM";

/**
 * The site's consent policy: receipts required, the banner's CONSENT_VERSION, and the hash of what
 * a visitor agrees to (that version and the attribute catalog the Cookie Policy renders).
 */
export async function siteConsentPolicy(): Promise<ConsentPolicy> {
  const text = JSON.stringify({ version: CONSENT_VERSION, attributes: RUM_ATTRIBUTES });
  return { required: true, policyVersion: CONSENT_VERSION, policyHash: hex(await sha256(text)) };
}

export type SiteTenant = { tenantId: string; frontendToken: string; origins: string[] };

export async function ensureSiteTenant(
  db: Db,
  input: { origins: string[]; tenantId?: string; name?: string },
): Promise<SiteTenant> {
  const tenantId = input.tenantId ?? SITE_TENANT_ID;
  const origins = input.origins.map((origin) => {
    const parsed = parseOrigin(origin);
    if (!parsed) throw new Error(`ensureSiteTenant: not an allowed origin: ${origin}`);
    return parsed;
  });
  return withTenant(db, tenantId, async (tx) => {
    await tx
      .insert(tenants)
      .values({ id: tenantId, name: input.name ?? "Sightline website" })
      .onConflictDoNothing();
    const saved = await replaceAllowedOrigins(tx, tenantId, origins);
    await saveConsentPolicy(tx, tenantId, await siteConsentPolicy(), new Date());
    await tx
      .delete(apiTokens)
      .where(and(eq(apiTokens.name, SITE_TOKEN_NAME), eq(apiTokens.type, "frontend")));
    const token = await createApiToken(tx, tenantId, {
      name: SITE_TOKEN_NAME,
      description: "Issued by ensureSiteTenant for the site build",
      type: "frontend",
      expiresAt: null,
      createdBy: null,
    });
    return { tenantId, frontendToken: token.token, origins: saved.origins };
  });
}
