// Consent receipts (issue 16): signing and key rotation, and POST/DELETE /v1/consent — frontend
// tokens only, allowed origins only, CORS without credentials, Global Privacy Control as refusal,
// and a consent log entry per event that never holds the IP.
import { env, exports } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import {
  importSigningRing,
  signReceipt,
  verifyReceipt,
  type Receipt,
} from "../../worker/src/consent/receipts.ts";
import { ORIGIN, problemOf } from "./helpers.ts";
import { askReceipt, receiptOf, revoke, SHOP } from "./support/consent.ts";
import { createTenant, rowsOf } from "./support/telemetry.ts";

const key = () => btoa(String.fromCharCode(...crypto.getRandomValues(new Uint8Array(32))));
const sample = (): Receipt => ({
  id: crypto.randomUUID(),
  tenantId: crypto.randomUUID(),
  sessionId: crypto.randomUUID(),
  policyVersion: 3,
  expiresAt: new Date(Math.floor(Date.now() / 1000) * 1000 + 60_000),
});

describe("receipt signing", () => {
  it("round-trips every bound field", async () => {
    const ring = await importSigningRing(`1:${key()}`);
    const receipt = sample();
    expect(await verifyReceipt(ring, await signReceipt(ring, receipt))).toEqual(receipt);
  });

  it("a forged receipt (any character of payload or signature changed) does not verify", async () => {
    const ring = await importSigningRing(`1:${key()}`);
    const signed = await signReceipt(ring, sample());
    const [version, payload, mac] = signed.split(".");
    const flip = (text: string, at: number) =>
      text.slice(0, at) + (text[at] === "A" ? "B" : "A") + text.slice(at + 1);
    expect(await verifyReceipt(ring, `${version}.${flip(payload, 10)}.${mac}`)).toBeNull();
    expect(await verifyReceipt(ring, `${version}.${payload}.${flip(mac, 5)}`)).toBeNull();
    expect(await verifyReceipt(ring, "not a receipt")).toBeNull();
    expect(await verifyReceipt(await importSigningRing(`1:${key()}`), signed)).toBeNull();
  });

  it("rotation: the newest key signs, older listed keys still verify, a retired key fails", async () => {
    const [k1, k2] = [key(), key()];
    const old = await signReceipt(await importSigningRing(`1:${k1}`), sample());
    const rotated = await importSigningRing(`1:${k1},2:${k2}`);
    expect(await verifyReceipt(rotated, old)).not.toBeNull();
    const fresh = await signReceipt(rotated, sample());
    expect(fresh.startsWith("2.")).toBe(true);
    expect(await verifyReceipt(await importSigningRing(`2:${k2}`), old)).toBeNull();
    expect(await verifyReceipt(await importSigningRing(`2:${k2}`), fresh)).not.toBeNull();
  });
});

describe("POST /v1/consent", () => {
  it("issues an expiring receipt to a frontend token on an allowed origin, with CORS and no credentials", async () => {
    const tenant = await createTenant([SHOP], { consentRequired: true });
    const sessionId = crypto.randomUUID();
    const response = await askReceipt(tenant.frontend, { sessionId });
    expect(response.status).toBe(201);
    expect(response.headers.get("Access-Control-Allow-Origin")).toBe(SHOP);
    expect(response.headers.get("Access-Control-Allow-Credentials")).toBeNull();
    expect(response.headers.get("Set-Cookie")).toBeNull();
    const { receipt, expiresAt } = (await response.json()) as { receipt: string; expiresAt: string };
    const hours = (Date.parse(expiresAt) - Date.now()) / 3600_000;
    expect(hours).toBeGreaterThan(23.9);
    expect(hours).toBeLessThanOrEqual(24);
    const verified = await verifyReceipt(await importSigningRing(env.CONSENT_RECEIPT_KEYS), receipt);
    expect(verified).toMatchObject({ tenantId: tenant.id, sessionId, policyVersion: 1 });
  });

  it("records the event: receipt id, time, policy version and hash, choice — never the IP", async () => {
    const tenant = await createTenant([SHOP], { consentRequired: true });
    const before = Date.now();
    const receipt = await receiptOf(tenant.frontend, { headers: { "CF-Connecting-IP": "203.0.113.7" } });
    const after = Date.now();
    const { id } = (await verifyReceipt(await importSigningRing(env.CONSENT_RECEIPT_KEYS), receipt))!;
    const rows = await rowsOf(tenant.id, "select * from consent_events");
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({
      receipt_id: id,
      choice: "accepted",
      policy_version: 1,
      overrode_gpc: false,
    });
    const occurredAt = new Date(rows[0].occurred_at).getTime();
    expect(occurredAt).toBeGreaterThanOrEqual(before - 1000);
    expect(occurredAt).toBeLessThanOrEqual(after + 1000);
    // The hash is the tenant's policy hash at the time (none here; consent-enforcement records one).
    expect(rows[0]).toHaveProperty("policy_hash", null);
    expect(JSON.stringify(rows)).not.toContain("203.0.113.7");
  });

  it("refuses backend tokens, other origins and a policy version that is not the tenant's", async () => {
    const tenant = await createTenant([SHOP], { consentRequired: true });
    const backend = await askReceipt(tenant.backend);
    expect([backend.status, (await problemOf(backend)).code]).toEqual([403, "TOKEN_NOT_ALLOWED"]);
    const elsewhere = await askReceipt(tenant.frontend, { origin: "https://evil.example" });
    expect([elsewhere.status, (await problemOf(elsewhere)).code]).toEqual([403, "ORIGIN_NOT_ALLOWED"]);
    expect(elsewhere.headers.get("Access-Control-Allow-Origin")).toBeNull();
    const outdated = await askReceipt(tenant.frontend, { policyVersion: 2 });
    expect([outdated.status, (await problemOf(outdated)).code]).toEqual([409, "POLICY_VERSION_MISMATCH"]);
    const bad = await askReceipt(tenant.frontend, { body: { sessionId: "tab-1", policyVersion: 1 } });
    expect([bad.status, (await problemOf(bad)).code]).toEqual([400, "INVALID_REQUEST"]);
    expect(await rowsOf(tenant.id, "select * from consent_events")).toEqual([]);
  });

  it("gpc: Sec-GPC: 1 is a refusal unless the visitor opted in explicitly, which the log records", async () => {
    const tenant = await createTenant([SHOP], { consentRequired: true });
    const headers = { "Sec-GPC": "1" };
    const refused = await askReceipt(tenant.frontend, { headers });
    expect([refused.status, (await problemOf(refused)).code]).toEqual([403, "GPC_OPT_OUT"]);
    const body = { sessionId: crypto.randomUUID(), policyVersion: 1, gpcOptIn: true };
    expect((await askReceipt(tenant.frontend, { headers, body })).status).toBe(201);
    const rows = await rowsOf(tenant.id, "select overrode_gpc from consent_events");
    expect(rows).toEqual([{ overrode_gpc: true }]);
  });

  it("answers a preflight from an allowed origin for POST and DELETE with the receipt header", async () => {
    await createTenant([SHOP]);
    const response = await exports.default.fetch(
      new Request(`${ORIGIN}/v1/consent`, {
        method: "OPTIONS",
        headers: { Origin: SHOP, "Access-Control-Request-Method": "DELETE" },
      }),
    );
    expect(response.headers.get("Access-Control-Allow-Origin")).toBe(SHOP);
    expect(response.headers.get("Access-Control-Allow-Methods")).toBe("POST, DELETE");
    expect(response.headers.get("Access-Control-Allow-Headers")).toMatch(/Sightline-Consent/);
    expect(response.headers.get("Access-Control-Allow-Credentials")).toBeNull();
  });
});

describe("DELETE /v1/consent", () => {
  it("withdraws a receipt once (204, idempotent) and logs it with the acceptance's policy version", async () => {
    const tenant = await createTenant([SHOP], { consentRequired: true });
    const receipt = await receiptOf(tenant.frontend);
    expect((await revoke(tenant.frontend, receipt)).status).toBe(204);
    expect((await revoke(tenant.frontend, receipt)).status).toBe(204);
    const rows = await rowsOf(
      tenant.id,
      "select choice, policy_version from consent_events order by occurred_at",
    );
    expect(rows).toEqual([
      { choice: "accepted", policy_version: 1 },
      { choice: "withdrawn", policy_version: 1 },
    ]);
  });

  it("refuses a missing receipt (400), a forged or other tenant's receipt (403)", async () => {
    const [tenant, other] = [await createTenant([SHOP]), await createTenant([SHOP])];
    const missing = await revoke(tenant.frontend, undefined);
    expect([missing.status, (await problemOf(missing)).code]).toEqual([400, "INVALID_REQUEST"]);
    const forged = await revoke(tenant.frontend, "1.forged.receipt");
    expect([forged.status, (await problemOf(forged)).code]).toEqual([403, "CONSENT_RECEIPT_INVALID"]);
    const foreign = await revoke(tenant.frontend, await receiptOf(other.frontend));
    expect([foreign.status, (await problemOf(foreign)).code]).toEqual([403, "CONSENT_RECEIPT_INVALID"]);
    expect(await rowsOf(tenant.id, "select * from consent_events")).toEqual([]);
  });
});
