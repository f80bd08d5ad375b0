// Hardening of the database (issue "what an attacker tries next", items 9 and 10): the audit purge
// edits jsonb structure, never text, so no email can stop it or touch other people's rows; the
// SECURITY DEFINER functions search pg_temp last and nobody may create temporary objects.
import { env } from "cloudflare:workers";
import { inArray } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createDb, useLocalRelay, type DbHandle } from "../../db/client.ts";
import { auditEvents } from "../../db/schema/index.ts";
import { withUser } from "../../db/user-scope.ts";
import { connect, postgresErrorOf } from "./helpers.ts";
import { api, signUp, type Account } from "./support/accounts.ts";
import { DAY, insertAuditEvent } from "./support/privacy.ts";

let handle: DbHandle;
beforeAll(() => {
  useLocalRelay(env.DB_WS_PROXY);
  handle = createDb(env.DATABASE_URL);
});
afterAll(() => handle.pool.end());

async function asOwner<T>(work: (owner: Awaited<ReturnType<typeof connect>>) => Promise<T>): Promise<T> {
  const owner = await connect(env.TEST_OWNER_DATABASE_URL);
  try {
    return await work(owner);
  } finally {
    await owner.end();
  }
}

/** Gives the account an email sign-up would refuse, as if it predated the check. */
async function setEmail(account: Account, email: string): Promise<void> {
  await asOwner(async (owner) => {
    await owner.query("UPDATE users SET email = $2 WHERE id = $1", [account.user.id, email]);
  });
}

/** Deletes the account through the API and moves the request past the 30-day restore window. */
async function deletedLongAgo(account: Account): Promise<void> {
  expect((await api("/api/account", { method: "DELETE", cookie: account.cookie })).status).toBe(202);
  await asOwner((owner) =>
    owner.query("UPDATE account_deletions SET requested_at = $2 WHERE user_id = $1", [
      account.user.id,
      new Date(Date.now() - 31 * DAY),
    ]),
  );
}

const detailsOf = async (userId: string, ids: number[]) =>
  (
    await withUser(handle.db, userId, (tx) =>
      tx.select({ details: auditEvents.details }).from(auditEvents).where(inArray(auditEvents.id, ids)),
    )
  ).map((row) => row.details);

describe("hardening: the audit purge works on jsonb", () => {
  it("hardening: an email with a quote cannot stop the purge, and an email inside another's leaves that one's audit rows alone", async () => {
    const [quoted, inner, outer] = await Promise.all([signUp(), signUp(), signUp()]);
    const tag = crypto.randomUUID().slice(0, 8);
    await setEmail(quoted, `x"-${tag}@evil.io`);
    await setEmail(inner, `ob-${tag}@example.com`);
    await setEmail(outer, `bob-${tag}@example.com`);
    const now = new Date();
    const quotedRow = await insertAuditEvent(handle.db, {
      tenantId: null,
      actorUserId: quoted.user.id,
      at: now,
      details: { email: `x"-${tag}@evil.io`, nested: [{ by: quoted.user.id }] },
    });
    const outerRow = await insertAuditEvent(handle.db, {
      tenantId: null,
      actorUserId: outer.user.id,
      at: now,
      details: { email: `bob-${tag}@example.com`, note: `ob-${tag}@example.com is not this` },
    });
    await deletedLongAgo(quoted);
    await deletedLongAgo(inner);

    const app = await connect(env.DATABASE_URL);
    try {
      const { rows } = await app.query("SELECT retention_purge_deleted_accounts(now(), 1000) AS purged");
      expect(rows[0].purged).toBeGreaterThanOrEqual(2);
    } finally {
      await app.end();
    }
    // The row now belongs to a pseudonym nobody can sign in as: read it as the owner, under the
    // retention policy.
    const [pseudonymised] = await asOwner(async (owner) => {
      await owner.query("BEGIN");
      await owner.query("SELECT set_config('app.retention', 'on', true)");
      const { rows } = await owner.query("SELECT actor_user_id, details FROM audit_events WHERE id = $1", [
        quotedRow,
      ]);
      await owner.query("COMMIT");
      return rows as { actor_user_id: string; details: { email: string; nested: { by: string }[] } }[];
    });
    expect(pseudonymised.details.email).toBe("erased");
    expect(pseudonymised.details.nested[0].by).toBe(pseudonymised.actor_user_id);
    expect(pseudonymised.actor_user_id).not.toBe(quoted.user.id);
    expect(await detailsOf(outer.user.id, [outerRow])).toEqual([
      { email: `bob-${tag}@example.com`, note: `ob-${tag}@example.com is not this` },
    ]);
  });

  it("hardening: sign-up refuses emails with quotes, backslashes or control characters", async () => {
    for (const email of ['a"b@example.com', "a\\b@example.com", "a\u0001b@example.com", "a<b>@example.com"]) {
      const response = await api("/api/auth/signup/options", { json: { email, name: "Ada" } });
      expect(response.status, email).toBe(400);
    }
  });
});

describe("hardening: temporary objects cannot shadow the definer functions' tables", () => {
  it("hardening: every SECURITY DEFINER function searches pg_temp last (catalog)", async () => {
    const rows = await asOwner(
      async (owner) =>
        (
          await owner.query(
            `SELECT p.proname, p.proconfig FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
             WHERE p.prosecdef AND n.nspname NOT IN ('pg_catalog', 'information_schema')`,
          )
        ).rows as { proname: string; proconfig: string[] | null }[],
    );
    expect(rows.length).toBeGreaterThan(0);
    for (const row of rows) {
      const searchPath = row.proconfig?.find((setting) => setting.startsWith("search_path="));
      expect(searchPath, row.proname).toMatch(/^search_path=.*, pg_temp$/);
    }
  });

  it("hardening: TEMPORARY is revoked from PUBLIC, so the runtime role cannot create temporary tables (catalog)", async () => {
    const [row] = await asOwner(
      async (owner) =>
        (
          await owner.query(
            `SELECT has_database_privilege('sightline_app', current_database(), 'TEMPORARY') AS app_temp,
                    EXISTS (SELECT 1 FROM pg_database d, aclexplode(coalesce(d.datacl, acldefault('d', d.datdba))) a
                            WHERE d.datname = current_database() AND a.grantee = 0
                              AND a.privilege_type = 'TEMPORARY') AS public_temp`,
          )
        ).rows,
    );
    expect(row).toEqual({ app_temp: false, public_temp: false });
    const app = await connect(env.DATABASE_URL);
    try {
      expect(await postgresErrorOf(app.query("CREATE TEMP TABLE audit_events (id int)"))).toMatch(
        /permission denied/,
      );
    } finally {
      await app.end();
    }
  });
});

describe("the local database's encoding does not depend on the machine's locale", () => {
  // With no LANG (a clean CI shell), initdb would pick SQL_ASCII, where jsonb refuses the \ufffd
  // the store writes for a NUL: a whole batch dead-lettered. Neon databases are UTF-8.
  it("the database is UTF-8 with code-point collation and Unicode case mapping", async () => {
    const [row] = await asOwner(
      async (owner) =>
        (
          await owner.query(
            `SELECT current_setting('server_encoding') AS encoding, lower('ÉCLAIR') AS lowered,
                    'é' > 'z' AS code_point_order`,
          )
        ).rows,
    );
    expect(row).toEqual({ encoding: "UTF8", lowered: "éclair", code_point_order: true });
  });
});
