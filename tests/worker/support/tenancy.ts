// Tenancy test helpers: signed-in users made directly in the database with the accounts code's own
// session functions (a passkey ceremony per user would only slow the permission tables down), and
// tenants whose members are set up in SQL, as the Worker's runtime role.
import { env } from "cloudflare:workers";
import { eq } from "drizzle-orm";
import { expect } from "vitest";
import { createDb, useLocalRelay, type DbHandle } from "../../../db/client.ts";
import { memberships, sessions, tenants, users, type Role } from "../../../db/schema/index.ts";
import { withTenant } from "../../../db/tenant-scope.ts";
import { createSession, hashSessionToken } from "../../../worker/src/auth/sessions.ts";
import { api, randomEmail, type ApiInit } from "./accounts.ts";

export type TestUser = { id: string; email: string; cookie: string };

/** A database handle for one piece of work, as the runtime role unless another URL is given. */
export async function withDb<T>(
  work: (db: DbHandle["db"]) => Promise<T>,
  url = env.DATABASE_URL,
): Promise<T> {
  useLocalRelay(env.DB_WS_PROXY);
  const { db, pool } = createDb(url);
  try {
    return await work(db);
  } finally {
    await pool.end();
  }
}

/**
 * A user with a freshly authenticated session (as right after sign-in). `verified`: their address
 * is proven, as after following the verification link (needed to accept invitations).
 */
export async function signedInUser(
  email = randomEmail(),
  options: { verified?: boolean } = {},
): Promise<TestUser> {
  return withDb(async (db) => {
    const [user] = await db
      .insert(users)
      .values({
        email,
        name: email.split("@")[0],
        webauthnUserId: crypto.randomUUID(),
        emailVerifiedAt: options.verified ? new Date() : null,
      })
      .returning({ id: users.id });
    const { token } = await createSession(db, {
      userId: user.id,
      method: "passkey",
      userAgent: "test",
      now: new Date(),
    });
    return { id: user.id, email, cookie: token };
  });
}

/** The session was authenticated 11 minutes ago: sensitive operations now need a step-up. */
export async function makeSessionStale(user: TestUser): Promise<void> {
  await withDb(async (db) => {
    await db
      .update(sessions)
      .set({ authenticatedAt: new Date(Date.now() - 11 * 60_000) })
      .where(eq(sessions.tokenHash, await hashSessionToken(user.cookie)));
  });
}

export type TestTenant = { id: string; users: Record<Role, TestUser>; otherMember: TestUser };

/**
 * A tenant with one owner, one admin and two members (the second one is a target for actions),
 * all with verified addresses, as members who joined by invitation have.
 */
export async function tenantWithRoles(): Promise<TestTenant> {
  const verified = () => signedInUser(undefined, { verified: true });
  const [owner, admin, member, otherMember] = await Promise.all([
    verified(),
    verified(),
    verified(),
    verified(),
  ]);
  const id = crypto.randomUUID();
  await withDb((db) =>
    withTenant(db, id, async (tx) => {
      await tx.insert(tenants).values({ id, name: `Tenant ${id.slice(0, 8)}` });
      await tx.insert(memberships).values([
        { tenantId: id, userId: owner.id, role: "owner" },
        { tenantId: id, userId: admin.id, role: "admin" },
        { tenantId: id, userId: member.id, role: "member" },
        { tenantId: id, userId: otherMember.id, role: "member" },
      ]);
    }),
  );
  return { id, users: { owner, admin, member }, otherMember };
}

/** A same-origin JSON request as this user. */
export function as(
  user: TestUser | null,
  path: string,
  init: Omit<ApiInit, "cookie"> = {},
): Promise<Response> {
  return api(path, { ...init, cookie: user?.cookie ?? null });
}

export async function createToken(
  tenantId: string,
  user: TestUser,
  input: Record<string, unknown> = { name: "ci", type: "backend" },
): Promise<{ id: string; token: string }> {
  const response = await as(user, `/api/tenants/${tenantId}/tokens`, { json: input });
  expect(response.status, await response.clone().text()).toBe(201);
  return response.json();
}
