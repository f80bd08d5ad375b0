// Invitations: admins invite (POST), list and revoke them per tenant; the invited user accepts with
// the link's token (POST /api/invitations/accept {token}). Only owners may invite an owner, and an
// owner or admin invitation needs a fresh sign-in, like a role change.
import { Hono, type Context } from "hono";
import * as v from "valibot";
import type { AppEnv } from "../env.ts";
import { HttpError } from "../errors.ts";
import { isUuid, recordTenantEvent, requireTenantRole, signedInBrowser } from "../middleware/tenant.ts";
import { assertFreshAuth } from "../middleware/session.ts";
import { emailAddress, jsonBody, text } from "../request-schema.ts";
import { sendEmail } from "../email/outbox.ts";
import { invitationEmail } from "../email/templates.ts";
import {
  acceptInvitation,
  createInvitation,
  invitationLink,
  listInvitations,
  mayInvite,
  revokeInvitation,
} from "../tenancy/invitations.ts";
import { role } from "../tenancy/roles.ts";
import { findTenant } from "../tenancy/tenants.ts";
import { limitAccountApi } from "../middleware/rate-limit.ts";

const invitation = jsonBody(v.strictObject({ email: emailAddress, role }));
const invitationToken = jsonBody(v.strictObject({ token: text(64) }));

export const tenantInvitations = new Hono<AppEnv>()
  .post("/:tid/invitations", ...signedInBrowser, requireTenantRole("admin"), ...invitation, async (c) => {
    const { email, role } = c.req.valid("json");
    if (!mayInvite(c.var.tenant.role, role)) {
      throw new HttpError(403, "ROLE_REQUIRED", "Only owners invite owners");
    }
    // Whoever accepts an owner or admin invitation holds the tenant: as sensitive as a role change.
    if (role !== "member") await assertFreshAuth(c);
    const invitation = await createInvitation(c.var.tenantTx, c.var.tenant.id, {
      email,
      role,
      invitedBy: c.var.user.id,
      now: new Date(),
    });
    const url = invitationLink(c.env.APP_ORIGIN, invitation.token);
    const tenant = await findTenant(c.var.tenantTx, c.var.tenant.id);
    // Sent whether or not the address has an account: the answer is the same either way. Queued in
    // the invitation's own transaction, so the two exist together.
    const message = invitationEmail({
      email,
      tenant: tenant?.name ?? "",
      role,
      inviter: `${c.var.user.name} (${c.var.user.email})`,
      link: url,
      expiresAt: invitation.expiresAt,
      appOrigin: c.env.APP_ORIGIN,
    });
    await sendEmail(c.var.tenantTx, c.env, { kind: "invitation", to: email, userId: null, message });
    await recordTenantEvent(c, "invitation.created", { invitationId: invitation.id, email, role });
    return c.json({ ...invitation, url }, 201);
  })
  .get("/:tid/invitations", ...signedInBrowser, requireTenantRole("admin"), async (c) =>
    c.json(await listInvitations(c.var.tenantTx)),
  )
  .delete("/:tid/invitations/:id", ...signedInBrowser, requireTenantRole("admin"), async (c) => {
    const id = c.req.param("id").toLowerCase();
    const revoked = isUuid(id) ? await revokeInvitation(c.var.tenantTx, id) : null;
    if (!revoked)
      throw new HttpError(
        404,
        "INVITATION_NOT_FOUND",
        "No such pending invitation (already used or revoked?)",
      );
    await recordTenantEvent(c, "invitation.revoked", { invitationId: id, email: revoked.email });
    return c.body(null, 204);
  });

const REFUSALS = {
  INVALID: new HttpError(
    404,
    "INVITATION_INVALID",
    "This invitation does not exist, was revoked or was already used",
  ),
  EXPIRED: new HttpError(404, "INVITATION_INVALID", "This invitation has expired; ask for a new one"),
  EMAIL_MISMATCH: new HttpError(
    403,
    "INVITATION_EMAIL_MISMATCH",
    "This invitation is for another email address",
  ),
  ALREADY_MEMBER: new HttpError(409, "ALREADY_MEMBER", "You are already a member of this tenant"),
  EMAIL_NOT_VERIFIED: new HttpError(
    403,
    "EMAIL_NOT_VERIFIED",
    "Confirm your email address first: open the link we emailed you (or ask for a new one)",
  ),
};

/**
 * Accepting. The page posts the token in the body (POST /accept {token}): a URL path is written to
 * access logs and traces, a body is not. The token-in-path form stays for the API contract.
 */
export const invitationAcceptance = new Hono<AppEnv>()
  .use("*", limitAccountApi)
  .post("/accept", ...signedInBrowser, ...invitationToken, (c) => accept(c, c.req.valid("json").token))
  .post("/:token/accept", ...signedInBrowser, (c) => accept(c, c.req.param("token")));

// No declared return type: the routes' answer type (c.json's) is what the site reads
// (site/src/lib/api-types.ts) and what openapi/response-types.ts checks against the schema.
async function accept(c: Context<AppEnv>, token: string) {
  const result = await acceptInvitation(c.var.db, token, c.var.user, {
    now: new Date(),
    requestId: c.var.requestId,
  });
  if (!result.ok) throw REFUSALS[result.reason];
  return c.json({ tenantId: result.tenantId, role: result.role });
}
