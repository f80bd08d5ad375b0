// API tokens: format, storage, lifecycle (create → use → revoke → the very next request 401),
// expiry, query-string refusal, coarse last-used, and tokens refused on management endpoints.
import { env } from "cloudflare:workers";
import { createExecutionContext, waitOnExecutionContext } from "cloudflare:test";
import { eq } from "drizzle-orm";
import { Hono } from "hono";
import { describe, expect, it } from "vitest";
import { apiTokens } from "../../db/schema/index.ts";
import { withTenant } from "../../db/tenant-scope.ts";
import type { AppEnv } from "../../worker/src/env.ts";
import { handleError } from "../../worker/src/errors.ts";
import { requireApiToken } from "../../worker/src/middleware/api-token.ts";
import { database } from "../../worker/src/middleware/database.ts";
import { requestId } from "../../worker/src/middleware/request-id.ts";
import { hashApiToken } from "../../worker/src/tenancy/api-tokens.ts";
import { ORIGIN, problemOf } from "./helpers.ts";
import { api } from "./support/accounts.ts";
import { as, createToken, makeSessionStale, tenantWithRoles, withDb } from "./support/tenancy.ts";

// A token-protected probe built from the real middleware, independent of any ingest route.
const probe = new Hono<AppEnv>()
  .use("*", requestId, database)
  .get("/probe", requireApiToken, (c) => c.json(c.var.apiToken));
probe.onError(handleError);

async function useToken(token: string | null, path = "/probe", headers: Record<string, string> = {}) {
  const ctx = createExecutionContext();
  const request = new Request(new URL(path, ORIGIN), {
    headers: token === null ? headers : { Authorization: `Bearer ${token}`, ...headers },
  });
  const response = await probe.fetch(request, env, ctx);
  await waitOnExecutionContext(ctx);
  return response;
}

/** Moves a token's expiry to now, as the owner role (the runtime role may not change expiries). */
async function expireNow(tenantId: string, tokenId: string): Promise<Date> {
  const expiry = new Date(Date.now() - 1000);
  await withDb(
    (db) =>
      withTenant(db, tenantId, (tx) =>
        tx.update(apiTokens).set({ expiresAt: expiry }).where(eq(apiTokens.id, tokenId)),
      ),
    env.TEST_OWNER_DATABASE_URL,
  );
  return expiry;
}

describe("API tokens", () => {
  it("a token has its type's prefix and 256 random bits, and only its SHA-256 is stored", async () => {
    const { id, users } = await tenantWithRoles();
    const backend = await createToken(id, users.admin, { name: "server", type: "backend" });
    const frontend = await createToken(id, users.admin, { name: "browser", type: "frontend" });
    expect(backend.token).toMatch(/^sl_be_[A-Za-z0-9_-]{43}$/);
    expect(frontend.token).toMatch(/^sl_fe_[A-Za-z0-9_-]{43}$/);
    const rows = await withDb((db) => withTenant(db, id, (tx) => tx.select().from(apiTokens)));
    const stored = rows.find((row) => row.id === backend.id)!;
    expect(Array.from(stored.tokenHash)).toEqual(Array.from(await hashApiToken(backend.token)));
    expect(JSON.stringify(rows)).not.toContain(backend.token.slice(6));
  });

  it("the secret is shown once: the list never contains it", async () => {
    const { id, users } = await tenantWithRoles();
    const created = await createToken(id, users.admin, {
      name: "ci",
      description: "deploys",
      type: "backend",
    });
    const list = await (await as(users.admin, `/api/tenants/${id}/tokens`)).text();
    expect(list).toContain(created.id);
    expect(list).toContain("deploys");
    expect(list).not.toContain(created.token);
    expect(list).not.toContain("tokenHash");
  });

  it("token lifecycle: create, use, revoke, and the very next request gets 401", async () => {
    const { id, users } = await tenantWithRoles();
    const created = await createToken(id, users.admin);
    const used = await useToken(created.token);
    expect(used.status).toBe(200);
    expect(await used.json()).toMatchObject({ id: created.id, tenantId: id, type: "backend" });
    const revoked = await as(users.admin, `/api/tenants/${id}/tokens/${created.id}`, { method: "DELETE" });
    expect(revoked.status).toBe(204);
    const next = await useToken(created.token);
    expect(next.status).toBe(401);
    expect((await problemOf(next)).code).toBe("TOKEN_INVALID");
    expect(next.headers.get("WWW-Authenticate")).toContain('error="invalid_token"');
  });

  it("an expired token gets 401", async () => {
    const { id, users } = await tenantWithRoles();
    const created = await createToken(id, users.admin, {
      name: "short",
      type: "backend",
      expiresAt: new Date(Date.now() + 60_000).toISOString(),
    });
    expect((await useToken(created.token)).status).toBe(200);
    // The runtime role cannot change an expiry (column grants): move the clock as the owner.
    await expireNow(id, created.id);
    const expired = await useToken(created.token);
    expect(expired.status).toBe(401);
    expect((await problemOf(expired)).code).toBe("TOKEN_INVALID");
  });

  it("a missing, malformed or unknown token gets 401", async () => {
    const missing = await useToken(null);
    expect(missing.status).toBe(401);
    expect((await problemOf(missing)).code).toBe("TOKEN_REQUIRED");
    for (const token of ["sl_be_short", "sl_be_" + "A".repeat(43), "garbage"]) {
      const response = await useToken(token);
      expect(response.status).toBe(401);
      expect((await problemOf(response)).code).toBe("TOKEN_INVALID");
    }
    const basic = await useToken(null, "/probe", { Authorization: "Basic dXNlcjpwYXNz" });
    expect(basic.status).toBe(401);
  });

  it("a token in the query string is refused, even with a valid Authorization header", async () => {
    const { id, users } = await tenantWithRoles();
    const created = await createToken(id, users.admin);
    for (const query of [
      `?token=${created.token}`,
      `?access_token=${created.token}`,
      `?x=${created.token}`,
    ]) {
      const response = await useToken(created.token, `/probe${query}`);
      expect(response.status, query).toBe(400);
      expect((await problemOf(response)).code).toBe("TOKEN_IN_QUERY");
    }
  });

  it("last-used is coarse: written on first use, not again within the hour", async () => {
    const { id, users } = await tenantWithRoles();
    const created = await createToken(id, users.admin);
    const lastUsed = () =>
      withDb((db) =>
        withTenant(db, id, async (tx) => {
          const [row] = await tx.select().from(apiTokens).where(eq(apiTokens.id, created.id));
          return row.lastUsedAt;
        }),
      );
    expect(await lastUsed()).toBeNull();
    await useToken(created.token);
    const first = await lastUsed();
    expect(first).toBeInstanceOf(Date);
    await useToken(created.token);
    expect(await lastUsed()).toEqual(first);
  });

  it("creating a token needs an admin with a fresh authentication", async () => {
    const { id, users } = await tenantWithRoles();
    const byMember = await as(users.member, `/api/tenants/${id}/tokens`, {
      json: { name: "x", type: "backend" },
    });
    expect(byMember.status).toBe(403);
    await makeSessionStale(users.admin);
    const stale = await as(users.admin, `/api/tenants/${id}/tokens`, {
      json: { name: "x", type: "backend" },
    });
    expect(stale.status).toBe(403);
    expect((await problemOf(stale)).code).toBe("REAUTH_REQUIRED");
  });

  it("token creation validates its fields and refuses unknown ones", async () => {
    const { id, users } = await tenantWithRoles();
    for (const json of [
      { name: "x", type: "admin" },
      { type: "backend" },
      { name: "x", type: "backend", expiresAt: "yesterday" },
      { name: "x", type: "backend", expiresAt: new Date(Date.now() - 1000).toISOString() },
      { name: "x", type: "backend", tenantId: crypto.randomUUID() },
      { name: "x", type: "backend", tokenHash: "00" },
    ]) {
      const response = await as(users.admin, `/api/tenants/${id}/tokens`, { json });
      expect(response.status, JSON.stringify(json)).toBe(400);
      expect((await problemOf(response)).code).toBe("INVALID_REQUEST");
    }
  });

  it("a frontend token on management endpoints gets 403; so does a backend token", async () => {
    const { id, users } = await tenantWithRoles();
    const frontend = await createToken(id, users.admin, { name: "web", type: "frontend" });
    const backend = await createToken(id, users.admin, { name: "srv", type: "backend" });
    for (const token of [frontend.token, backend.token]) {
      for (const [method, path] of [
        ["GET", `/api/tenants/${id}/tokens`],
        ["GET", `/api/tenants/${id}/members`],
        ["GET", "/api/tenants"],
        ["PUT", `/api/tenants/${id}/origins`],
      ]) {
        const response = await api(path, {
          method,
          headers: { Authorization: `Bearer ${token}` },
          json: method === "PUT" ? { origins: [] } : undefined,
        });
        expect(response.status, `${method} ${path}`).toBe(403);
        expect((await problemOf(response)).code).toBe("TOKEN_NOT_ALLOWED");
      }
    }
  });

  it("revoking another tenant's token id answers 404 and the token keeps working", async () => {
    const a = await tenantWithRoles();
    const b = await tenantWithRoles();
    const tokenOfB = await createToken(b.id, b.users.admin);
    const response = await as(a.users.owner, `/api/tenants/${a.id}/tokens/${tokenOfB.id}`, {
      method: "DELETE",
    });
    expect(response.status).toBe(404);
    expect((await useToken(tokenOfB.token)).status).toBe(200);
  });
});
