// API tokens of a tenant (admins): create (fresh authentication; the secret is in this response
// only), list without secrets, revoke (delete: the next request with it gets 401).
import { Hono } from "hono";
import { TOKEN_TYPES, type TokenType } from "../../../db/schema/index.ts";
import type { AppEnv } from "../env.ts";
import { HttpError } from "../errors.ts";
import { requireFreshAuth } from "../middleware/session.ts";
import { isUuid, recordTenantEvent, requireTenantRole, signedInBrowser } from "../middleware/tenant.ts";
import { jsonBody, optionalStringField, stringField, type JsonObject } from "../request-body.ts";
import { createApiToken, deleteApiToken, listApiTokens } from "../tenancy/api-tokens.ts";
import { rejectUnknownFields } from "../unknown-fields.ts";

function tokenTypeOf(body: JsonObject): TokenType {
  const type = body.type;
  if (!TOKEN_TYPES.some((known) => known === type)) {
    throw new HttpError(400, "INVALID_REQUEST", "type: expected backend or frontend");
  }
  return type as TokenType;
}

function expiryOf(body: JsonObject): Date | null {
  if (body.expiresAt === undefined || body.expiresAt === null) return null;
  const expiresAt = typeof body.expiresAt === "string" ? new Date(body.expiresAt) : new Date(NaN);
  if (Number.isNaN(expiresAt.getTime()) || expiresAt.getTime() <= Date.now()) {
    throw new HttpError(400, "INVALID_REQUEST", "expiresAt: expected a future ISO-8601 time");
  }
  return expiresAt;
}

export const apiTokenRoutes = new Hono<AppEnv>()
  .post("/:tid/tokens", ...signedInBrowser, requireTenantRole("admin"), requireFreshAuth, async (c) => {
    const body = await jsonBody(c);
    rejectUnknownFields(body, ["name", "description", "type", "expiresAt"]);
    const input = {
      name: stringField(body, "name", 100),
      description: optionalStringField(body, "description", 500) ?? "",
      type: tokenTypeOf(body),
      expiresAt: expiryOf(body),
      createdBy: c.var.user.id,
    };
    const created = await createApiToken(c.var.tenantTx, c.var.tenant.id, input);
    await recordTenantEvent(c, "token.created", { tokenId: created.id, name: input.name, type: input.type });
    return c.json(created, 201);
  })
  .get("/:tid/tokens", ...signedInBrowser, requireTenantRole("admin"), async (c) =>
    c.json(await listApiTokens(c.var.tenantTx)),
  )
  .delete("/:tid/tokens/:id", ...signedInBrowser, requireTenantRole("admin"), async (c) => {
    const id = c.req.param("id").toLowerCase();
    const deleted = isUuid(id) ? await deleteApiToken(c.var.tenantTx, id) : null;
    if (!deleted)
      throw new HttpError(404, "TOKEN_NOT_FOUND", "No such token in this tenant (already revoked?)");
    await recordTenantEvent(c, "token.revoked", { tokenId: id, name: deleted.name, type: deleted.type });
    return c.body(null, 204);
  });
