import { createFactory } from "hono/factory";
import type { Db } from "../../db/client.ts";
import type { Tx } from "../../db/tenant-scope.ts";
import type { Role, TenantPlan } from "../../db/schema/index.ts";
import type { ActiveSession, SessionMembership, SessionUser } from "./auth/sessions.ts";
import type { AuthenticatedToken } from "./tenancy/api-tokens.ts";
import type { Receipt } from "./consent/receipts.ts";
import type { RateLimitItem } from "./rate-limit/headers.ts";
import type { TenantLimits } from "./rate-limit/policies.ts";

/** Bindings come from `wrangler types` (worker/worker-configuration.d.ts); Variables are ours. */
export type AppEnv = {
  Bindings: Env;
  Variables: {
    requestId: string;
    db: Db;
    /** Set by requireUser / loadSession (worker/src/middleware/session.ts); undefined before. */
    user: SessionUser;
    session: ActiveSession;
    /** Read with the session on a tenant's path: the caller's membership there, null if none. */
    membership: SessionMembership | null;
    /** Set by requireApiToken (worker/src/middleware/api-token.ts); undefined before. */
    apiToken: AuthenticatedToken;
    /**
     * Set by readConsentReceipt (worker/src/consent/receipt-check.ts): the verified receipt of the
     * Sightline-Consent header, null when the header is there but not a valid receipt.
     */
    consentReceipt: Receipt | null | undefined;
    /** Set by requireTenantRole (worker/src/middleware/tenant.ts): the path's tenant, its plan and the caller's role. */
    tenant: { id: string; role: Role; plan: TenantPlan; limits: TenantLimits };
    /** requireTenantRole's transaction, scoped to c.var.tenant by RLS: the handler's queries go here. */
    tenantTx: Tx;
    /** Every rate limiter that decided on this request (worker/src/middleware/rate-limit.ts); undefined before. */
    rateLimits: RateLimitItem[];
  };
};

export const factory = createFactory<AppEnv>();
