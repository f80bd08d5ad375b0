// Each tenant's consent policy: whether its browser ingest needs a receipt, and the version (and
// SHA-256 of the text) of the policy its visitors agree to. Raising the version invalidates every
// receipt issued under an older one. No row = the defaults of db/schema/consent.ts.
import { consentPolicies } from "../../../db/schema/index.ts";
import type { Tx } from "../../../db/tenant-scope.ts";
import { hex } from "../byte-encoding.ts";

export type ConsentPolicy = { required: boolean; policyVersion: number; policyHash: string | null };

const DEFAULTS: ConsentPolicy = { required: true, policyVersion: 1, policyHash: null };

export async function readConsentPolicy(tx: Tx): Promise<ConsentPolicy> {
  const [row] = await tx.select().from(consentPolicies).limit(1);
  if (!row) return DEFAULTS;
  return {
    required: row.required,
    policyVersion: row.version,
    policyHash: row.policyHash ? hex(row.policyHash) : null,
  };
}

/** Inside the tenant's transaction; the caller checked the version only moves forward. */
export async function saveConsentPolicy(tx: Tx, tenantId: string, policy: ConsentPolicy, now: Date) {
  const values = {
    required: policy.required,
    version: policy.policyVersion,
    policyHash: policy.policyHash ? hexBytes(policy.policyHash) : null,
    updatedAt: now,
  };
  await tx
    .insert(consentPolicies)
    .values({ tenantId, ...values })
    .onConflictDoUpdate({ target: consentPolicies.tenantId, set: values });
}

function hexBytes(hex: string): Uint8Array<ArrayBuffer> {
  return Uint8Array.from(hex.match(/../g)!, (pair) => parseInt(pair, 16));
}
