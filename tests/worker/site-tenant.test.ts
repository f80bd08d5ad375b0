// ensureSiteTenant (called by `npm run dev`): creates the site's tenant once, keeps its origins as
// given, and issues a working frontend token on every call while the previous one stops working.
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { authenticateApiToken } from "../../worker/src/middleware/api-token.ts";
import { ensureSiteTenant, siteConsentPolicy } from "../../worker/src/tenancy/site-tenant.ts";
import { readConsentPolicy } from "../../worker/src/consent/policies.ts";
import { CONSENT_VERSION } from "../../rum-sdk/src/consent-version.ts";
import { withTenant } from "../../db/tenant-scope.ts";
import { withDb } from "./support/tenancy.ts";

describe("ensureSiteTenant", () => {
  it("is idempotent: same tenant, the given origins, a fresh frontend token that replaces the last one", async () => {
    const tenantId = crypto.randomUUID();
    const first = await withDb((db) =>
      ensureSiteTenant(db, { tenantId, origins: ["http://localhost:8787"] }),
    );
    expect(first).toMatchObject({ tenantId, origins: ["http://localhost:8787"] });
    expect(first.frontendToken).toMatch(/^sl_fe_/);
    const second = await withDb((db) =>
      ensureSiteTenant(db, { tenantId, origins: ["http://localhost:8787", "https://sightline.example"] }),
    );
    expect(second.tenantId).toBe(tenantId);
    expect(await authenticateApiToken(env, second.frontendToken, new Date())).toMatchObject({
      tenantId,
      type: "frontend",
      allowedOrigins: ["http://localhost:8787", "https://sightline.example"],
    });
    expect(await authenticateApiToken(env, first.frontendToken, new Date())).toBeNull();
  });

  it("the site tenant requires consent receipts under CONSENT_VERSION, with its policy's hash", async () => {
    const tenantId = crypto.randomUUID();
    await withDb((db) => ensureSiteTenant(db, { tenantId, origins: ["http://localhost:8787"] }));
    const policy = await withDb((db) => withTenant(db, tenantId, (tx) => readConsentPolicy(tx)));
    expect(policy).toEqual(await siteConsentPolicy());
    expect(policy).toMatchObject({ required: true, policyVersion: CONSENT_VERSION });
    expect(policy.policyHash).toMatch(/^[0-9a-f]{64}$/);
  });

  it("refuses an origin that is not allowed", async () => {
    await expect(
      withDb((db) => ensureSiteTenant(db, { tenantId: crypto.randomUUID(), origins: ["*"] })),
    ).rejects.toThrow(/not an allowed origin/);
  });
});
