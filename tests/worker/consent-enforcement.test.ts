// Server-side consent (issue 16): a tenant that requires receipts (every new tenant, and the site
// tenant) refuses frontend batches without a valid one — 403 CONSENT_REQUIRED in the OTLP Status,
// counted per day — including forged, expired, other-tenant, withdrawn (replays) and outdated-policy
// receipts. The check runs in the token lookup's single statement.
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { importSigningRing, signReceipt, verifyReceipt } from "../../worker/src/consent/receipts.ts";
import { api } from "./support/accounts.ts";
import { browserBatch, receiptOf, revoke, sendBatch, SHOP, statusMessageOf } from "./support/consent.ts";
import { createTenant, rowsOf } from "./support/telemetry.ts";
import { signedInUser, withDb } from "./support/tenancy.ts";
import { memberships } from "../../db/schema/index.ts";
import { withTenant } from "../../db/tenant-scope.ts";

const ring = () => importSigningRing(env.CONSENT_RECEIPT_KEYS);

async function expectRefused(response: Response, reason: RegExp): Promise<void> {
  expect(response.status).toBe(403);
  expect(response.headers.get("Access-Control-Allow-Origin")).toBe(SHOP);
  const message = await statusMessageOf(response);
  expect(message).toMatch(/^CONSENT_REQUIRED: /);
  expect(message).toMatch(reason);
}

describe("consent enforcement on browser ingest", () => {
  it("a new tenant requires a receipt: a batch without one is refused and counted, nothing stored", async () => {
    const tenant = await createTenant([SHOP], { consentRequired: true });
    await expectRefused(await sendBatch(tenant.frontend), /no receipt/);
    await expectRefused(await sendBatch(tenant.frontend), /no receipt/);
    expect(await rowsOf(tenant.id, "select * from spans")).toEqual([]);
    expect(await rowsOf(tenant.id, "select batches::int from consent_refusals")).toEqual([{ batches: 2 }]);
  });

  it("a valid receipt lets the batch in, attributed to the receipt's session whatever the batch claims", async () => {
    const tenant = await createTenant([SHOP], { consentRequired: true });
    const sessionId = crypto.randomUUID();
    const receipt = await receiptOf(tenant.frontend, { sessionId });
    const response = await sendBatch(tenant.frontend, receipt, browserBatch(crypto.randomUUID()));
    expect(response.status).toBe(200);
    const [span] = await rowsOf(tenant.id, "select resource from spans");
    expect(span.resource["session.id"]).toBe(sessionId);
  });

  it("consent: a forged receipt is refused", async () => {
    const tenant = await createTenant([SHOP], { consentRequired: true });
    const receipt = await receiptOf(tenant.frontend);
    const forged = receipt.slice(0, -2) + (receipt.endsWith("AA") ? "BB" : "AA");
    await expectRefused(await sendBatch(tenant.frontend, forged), /not valid/);
  });

  it("consent: another tenant's receipt is refused", async () => {
    const [tenant, other] = [
      await createTenant([SHOP], { consentRequired: true }),
      await createTenant([SHOP], { consentRequired: true }),
    ];
    await expectRefused(await sendBatch(tenant.frontend, await receiptOf(other.frontend)), /not valid/);
  });

  it("consent: an expired receipt is refused", async () => {
    const tenant = await createTenant([SHOP], { consentRequired: true });
    const issued = (await verifyReceipt(await ring(), await receiptOf(tenant.frontend)))!;
    const expired = await signReceipt(await ring(), { ...issued, expiresAt: new Date(Date.now() - 1000) });
    await expectRefused(await sendBatch(tenant.frontend, expired), /expired/);
  });

  it("consent: revocation at the server refuses a replay of a batch that was accepted before", async () => {
    const tenant = await createTenant([SHOP], { consentRequired: true });
    const receipt = await receiptOf(tenant.frontend);
    const batch = browserBatch();
    expect((await sendBatch(tenant.frontend, receipt, batch)).status).toBe(200);
    expect((await revoke(tenant.frontend, receipt)).status).toBe(204);
    await expectRefused(await sendBatch(tenant.frontend, receipt, batch), /withdrawn/);
    await expectRefused(await sendBatch(tenant.frontend, receipt), /withdrawn/);
  });

  it("consent: a new policy version invalidates older receipts, and new ones are issued for it", async () => {
    const tenant = await createTenant([SHOP], { consentRequired: true });
    const admin = await signedInUser();
    await withDb((db) =>
      withTenant(db, tenant.id, (tx) =>
        tx.insert(memberships).values({ tenantId: tenant.id, userId: admin.id, role: "admin" }),
      ),
    );
    const old = await receiptOf(tenant.frontend);
    const hash = "ab".repeat(32);
    const put = await api(`/api/tenants/${tenant.id}/consent`, {
      method: "PUT",
      cookie: admin.cookie,
      json: { policyVersion: 2, policyHash: hash },
    });
    expect(await put.json()).toEqual({ required: true, policyVersion: 2, policyHash: hash });
    await expectRefused(await sendBatch(tenant.frontend, old), /older policy version/);
    const fresh = await receiptOf(tenant.frontend, { policyVersion: 2 });
    expect((await sendBatch(tenant.frontend, fresh)).status).toBe(200);
    const rows = await rowsOf(tenant.id, "select encode(policy_hash, 'hex') as hash from consent_events");
    expect(rows.map((row) => row.hash).sort()).toEqual([hash, null].sort());
  });

  it("a tenant that does not require receipts ingests without one (tenants from before receipts)", async () => {
    const tenant = await createTenant([SHOP], { consentRequired: false });
    expect((await sendBatch(tenant.frontend)).status).toBe(200);
  });

  it("backend tokens never need a receipt", async () => {
    const tenant = await createTenant([SHOP], { consentRequired: true });
    expect((await sendBatch(tenant.backend)).status).toBe(200);
  });
});
