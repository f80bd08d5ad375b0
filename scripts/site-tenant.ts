// Sightline's own site is a tenant of its own: its RUM goes through the public ingest path with a
// frontend token, like any customer's. Used by `npm run dev` and the e2e setup before the build,
// which bakes the (public) frontend token into the pages.
import { neonConfig } from "@neondatabase/serverless";
import { WebSocket } from "ws";
import { createDb, useLocalRelay } from "../db/client.ts";
import { withTenant } from "../db/tenant-scope.ts";
import { createInvitation, invitationLink } from "../worker/src/tenancy/invitations.ts";
import { ensureSiteTenant, type SiteTenant } from "../worker/src/tenancy/site-tenant.ts";
import type { Database } from "./local-stack.ts";

export type PreparedSiteTenant = SiteTenant & {
  /**
   * A link that makes `ownerEmail` an owner of the site tenant once they sign up, confirm their
   * address (the link `npm run dev` prints as an email) and open it.
   */
  ownerInvitation?: string;
};

/** Runs as the Worker's own role, so row-level security applies as it does in the Worker. */
export async function prepareSiteTenant(
  database: Database,
  origin: string,
  ownerEmail?: string,
): Promise<PreparedSiteTenant> {
  neonConfig.webSocketConstructor = WebSocket;
  if (database.relayAddress) useLocalRelay(database.relayAddress);
  const { db, pool } = createDb(database.appUrl);
  try {
    const site = await ensureSiteTenant(db, { origins: [origin] });
    if (!ownerEmail) return site;
    const invitation = await withTenant(db, site.tenantId, (tx) =>
      createInvitation(tx, site.tenantId, {
        email: ownerEmail,
        role: "owner",
        invitedBy: null,
        now: new Date(),
      }),
    );
    return { ...site, ownerInvitation: invitationLink(origin, invitation.token) };
  } finally {
    await pool.end();
  }
}
