// The outbox: a send the EMAIL binding refuses leaves the action done and the message queued
// (encrypted); the Cron Trigger's retry schedule delivers it later, and gives up after the last
// attempt. Failures are real: the binding's local simulation refuses a sender it is not allowed
// to use (wrangler.toml allowed_sender_addresses), exactly as Email Service does.
import { env } from "cloudflare:workers";
import { createExecutionContext, waitOnExecutionContext } from "cloudflare:test";
import { eq } from "drizzle-orm";
import { afterEach, describe, expect, it, vi } from "vitest";
import { emailOutbox } from "../../db/schema/index.ts";
import worker from "../../worker/src/index.ts";
import { MAX_ATTEMPTS } from "../../worker/src/email/outbox.ts";
import { FIVE_MINUTE_CRON } from "../../worker/src/scheduled.ts";
import { callWithEnv, ORIGIN } from "./helpers.ts";
import { randomEmail, SESSION_COOKIE } from "./support/accounts.ts";
import { lastMessageTo, linkIn } from "./support/mail.ts";
import { as, tenantWithRoles, withDb, type TestUser } from "./support/tenancy.ts";

/** The binding answers "email from … not allowed" for this sender. */
const refusedSender = { EMAIL_FROM: "someone@elsewhere.example" };

function inviteWithEnv(overrides: Partial<Env>, tenantId: string, by: TestUser, email: string) {
  return callWithEnv(overrides, `/api/tenants/${tenantId}/invitations`, {
    method: "POST",
    headers: { Origin: ORIGIN, "Content-Type": "application/json", Cookie: `${SESSION_COOKIE}=${by.cookie}` },
    body: JSON.stringify({ email, role: "member" }),
  });
}

async function runRetries(at: Date, overrides: Partial<Env> = {}): Promise<void> {
  const ctx = createExecutionContext();
  await worker.scheduled(
    { scheduledTime: at.getTime(), cron: FIVE_MINUTE_CRON, noRetry() {} },
    { ...env, ...overrides },
    ctx,
  );
  await waitOnExecutionContext(ctx);
}

const outboxRowsTo = (email: string) =>
  withDb((db) => db.select().from(emailOutbox).where(eq(emailOutbox.recipient, email)));

afterEach(() => vi.restoreAllMocks());

describe("email delivery", () => {
  it("a refused send keeps the action and the queued message; the retry schedule delivers it", async () => {
    const { id, users } = await tenantWithRoles();
    const email = randomEmail();
    const response = await inviteWithEnv(refusedSender, id, users.admin, email);
    expect(response.status).toBe(201);
    const { url } = (await response.json()) as { url: string };
    const [queued] = await outboxRowsTo(email);
    expect(queued).toMatchObject({ kind: "invitation", attempts: 1, sentAt: null, failedAt: null });
    expect(queued.lastError).toContain("not allowed");
    expect(queued.payload).not.toBeNull();
    expect(new TextDecoder().decode(queued.payload!)).not.toContain(url.split("#")[1]);
    // Before its retry time nothing is sent again; after it, the retry delivers.
    await runRetries(new Date(queued.nextAttemptAt.getTime() - 1000));
    expect((await outboxRowsTo(email))[0].attempts).toBe(1);
    await runRetries(new Date(queued.nextAttemptAt.getTime() + 1000));
    const [sent] = await outboxRowsTo(email);
    expect(sent).toMatchObject({ attempts: 2, payload: null, lastError: null });
    expect(sent.sentAt).not.toBeNull();
    expect(linkIn(await lastMessageTo(email, "invitation"), "/app/invite#")).toBe(url);
  });

  it("after the last attempt the message is given up and dropped; the action still stands", async () => {
    const { id, users } = await tenantWithRoles();
    const email = randomEmail();
    const response = await inviteWithEnv(refusedSender, id, users.admin, email);
    const invitation = (await response.json()) as { id: string };
    const [queued] = await outboxRowsTo(email);
    await withDb(
      (db) =>
        db
          .update(emailOutbox)
          .set({ attempts: MAX_ATTEMPTS - 1 })
          .where(eq(emailOutbox.id, queued.id)),
      env.TEST_OWNER_DATABASE_URL,
    );
    await runRetries(new Date(queued.nextAttemptAt.getTime() + 1000), refusedSender);
    const [given] = await outboxRowsTo(email);
    expect(given).toMatchObject({ attempts: MAX_ATTEMPTS, payload: null, sentAt: null });
    expect(given.failedAt).not.toBeNull();
    const listed = await as(users.admin, `/api/tenants/${id}/invitations`);
    expect(((await listed.json()) as { id: string }[]).map((row) => row.id)).toContain(invitation.id);
  });

  it("email: nothing secret is logged, not even when a send fails", async () => {
    const lines: string[] = [];
    for (const method of ["log", "info", "warn", "error"] as const) {
      vi.spyOn(console, method).mockImplementation((...args: unknown[]) => void lines.push(args.join(" ")));
    }
    const { id, users } = await tenantWithRoles();
    const email = randomEmail();
    const response = await inviteWithEnv(refusedSender, id, users.admin, email);
    const { token } = (await response.json()) as { token: string };
    expect(lines.join("\n")).toContain("email send failed");
    expect(lines.join("\n")).not.toContain(token);
    expect(lines.join("\n")).not.toContain(email);
  });
});
