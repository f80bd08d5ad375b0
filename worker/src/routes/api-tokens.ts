// API tokens of a tenant (admins): create (fresh authentication; the secret is in this response
// only), list without secrets, revoke (delete: the next request with it gets 401).
import { Hono } from "hono";
import * as v from "valibot";
import { TOKEN_TYPES } from "../../../db/schema/index.ts";
import type { AppEnv } from "../env.ts";
import { HttpError } from "../errors.ts";
import { requireFreshAuth } from "../middleware/session.ts";
import { isUuid, recordTenantEvent, requireTenantRole, signedInBrowser } from "../middleware/tenant.ts";
import { jsonBody, text } from "../request-schema.ts";
import { createApiToken, deleteApiToken, listApiTokens } from "../tenancy/api-tokens.ts";

const FUTURE_TIME = "expected a future ISO-8601 time";

const newToken = jsonBody(
  v.strictObject({
    name: text(100),
    description: v.optional(text(500)),
    type: v.picklist(TOKEN_TYPES, "expected backend or frontend"),
    // Checked when the request arrives (not at startup): "future" moves.
    expiresAt: v.nullish(
      v.pipe(
        v.string(FUTURE_TIME),
        v.transform((value) => new Date(value)),
        v.check((date) => date.getTime() > Date.now(), FUTURE_TIME),
      ),
    ),
  }),
);

export const apiTokenRoutes = new Hono<AppEnv>()
  .post(
    "/:tid/tokens",
    ...signedInBrowser,
    requireTenantRole("admin"),
    requireFreshAuth,
    ...newToken,
    async (c) => {
      const body = c.req.valid("json");
      const input = {
        name: body.name,
        description: body.description ?? "",
        type: body.type,
        expiresAt: body.expiresAt ?? null,
        createdBy: c.var.user.id,
      };
      const created = await createApiToken(c.var.tenantTx, c.var.tenant.id, input);
      await recordTenantEvent(c, "token.created", {
        tokenId: created.id,
        name: input.name,
        type: input.type,
      });
      return c.json(created, 201);
    },
  )
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
