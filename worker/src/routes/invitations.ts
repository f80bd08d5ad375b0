// Invitations: admins invite (POST), list and revoke them per tenant; the invited user accepts with
// the link's token (POST /api/invitations/:token/accept). Only owners may invite an owner.
import { Hono } from "hono";
import type { AppEnv } from "../env.ts";
import { HttpError } from "../errors.ts";
import { isUuid, recordTenantEvent, requireTenantRole, signedInBrowser } from "../middleware/tenant.ts";
import { jsonBody, stringField } from "../request-body.ts";
import { sendEmail } from "../email/outbox.ts";
import { invitationEmail } from "../email/templates.ts";
import {
  acceptInvitation,
  createInvitation,
  invitationLink,
  listInvitations,
  revokeInvitation,
} from "../tenancy/invitations.ts";
import { isRole } from "../tenancy/roles.ts";
import { findTenant } from "../tenancy/tenants.ts";
import { rejectUnknownFields } from "../unknown-fields.ts";

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

export const tenantInvitations = new Hono<AppEnv>()
  .post("/:tid/invitations", ...signedInBrowser, requireTenantRole("admin"), async (c) => {
    const body = await jsonBody(c);
    rejectUnknownFields(body, ["email", "role"]);
    const email = stringField(body, "email", 254).toLowerCase();
    if (!EMAIL.test(email)) throw new HttpError(400, "INVALID_REQUEST", "email: expected an email address");
    if (!isRole(body.role))
      throw new HttpError(400, "INVALID_REQUEST", "role: expected owner, admin or member");
    const role = body.role;
    if (role === "owner" && c.var.tenant.role !== "owner") {
      throw new HttpError(403, "ROLE_REQUIRED", "Only owners invite owners");
    }
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

export const invitationAcceptance = new Hono<AppEnv>().post(
  "/:token/accept",
  ...signedInBrowser,
  async (c) => {
    const result = await acceptInvitation(c.var.db, c.req.param("token"), c.var.user, {
      now: new Date(),
      requestId: c.var.requestId,
    });
    if (!result.ok) throw REFUSALS[result.reason];
    return c.json({ tenantId: result.tenantId, role: result.role });
  },
);
