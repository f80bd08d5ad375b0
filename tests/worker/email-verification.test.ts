// Email verification through the simulated EMAIL binding: sign-up sends a link, following it
// verifies the address once; expired, reused and replaced links are refused with their own codes;
// resend is rate-limited; an email change is proven by the new address before it applies.
import { env } from "cloudflare:workers";
import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { emailOutbox, emailVerifications } from "../../db/schema/index.ts";
import { problemOf } from "./helpers.ts";
import { api, randomEmail, signUp, type Account } from "./support/accounts.ts";
import { fragmentOf, lastMessageTo, linkIn, messagesTo } from "./support/mail.ts";
import { makeSessionStale, withDb } from "./support/tenancy.ts";

const verify = (token: string) => api("/api/auth/email/verify", { json: { token } });

async function emailVerified(account: Account): Promise<boolean> {
  const me = await api("/api/me", { cookie: account.cookie });
  expect(me.status).toBe(200);
  return ((await me.json()) as { user: { emailVerified: boolean } }).user.emailVerified;
}

async function verificationToken(email: string): Promise<string> {
  return fragmentOf(linkIn(await lastMessageTo(email, "verification"), "/verify-email#"));
}

describe("email verification", () => {
  it("sign-up emails a verification link; following it verifies the address", async () => {
    const account = await signUp();
    expect(await emailVerified(account)).toBe(false);
    const message = await lastMessageTo(account.user.email, "verification");
    expect(message.text).toContain(account.user.email);
    const link = linkIn(message, "/verify-email#");
    expect(message.html).toContain(`href="${link}"`);
    expect(message.html).not.toMatch(/<img|src=/i);
    const response = await verify(fragmentOf(link));
    expect(response.status).toBe(204);
    expect(await emailVerified(account)).toBe(true);
  });

  it("email verification: a used link is refused with VERIFICATION_LINK_USED", async () => {
    const account = await signUp();
    const token = await verificationToken(account.user.email);
    expect((await verify(token)).status).toBe(204);
    const again = await verify(token);
    expect(again.status).toBe(410);
    expect((await problemOf(again)).code).toBe("VERIFICATION_LINK_USED");
  });

  it("email verification: an expired link is refused with VERIFICATION_LINK_EXPIRED and verifies nothing", async () => {
    const account = await signUp();
    const token = await verificationToken(account.user.email);
    await withDb(
      (db) =>
        db
          .update(emailVerifications)
          .set({ expiresAt: new Date(Date.now() - 1000) })
          .where(eq(emailVerifications.email, account.user.email)),
      env.TEST_OWNER_DATABASE_URL,
    );
    const response = await verify(token);
    expect(response.status).toBe(410);
    expect((await problemOf(response)).code).toBe("VERIFICATION_LINK_EXPIRED");
    expect(await emailVerified(account)).toBe(false);
  });

  it("email verification: an unknown or malformed token is 404 VERIFICATION_LINK_INVALID", async () => {
    for (const token of ["A".repeat(43), "not a token"]) {
      const response = await verify(token);
      expect(response.status).toBe(404);
      expect((await problemOf(response)).code).toBe("VERIFICATION_LINK_INVALID");
    }
  });

  it("email verification: tokens are stored only hashed and the queued message only encrypted", async () => {
    const account = await signUp();
    const token = await verificationToken(account.user.email);
    const stored = await withDb(async (db) => ({
      links: await db
        .select()
        .from(emailVerifications)
        .where(eq(emailVerifications.email, account.user.email)),
      outbox: await db.select().from(emailOutbox).where(eq(emailOutbox.recipient, account.user.email)),
    }));
    expect(stored.links).toHaveLength(1);
    expect(stored.links[0].tokenHash).toHaveLength(32);
    expect(JSON.stringify(stored)).not.toContain(token);
    // Sent: the message (and with it the link) is gone from the outbox.
    expect(stored.outbox.map((row) => [row.sentAt !== null, row.payload])).toEqual([[true, null]]);
  });

  it("resend sends a new link that voids the old one; resend is rate-limited per account", async () => {
    const account = await signUp();
    const first = await verificationToken(account.user.email);
    const statuses = [];
    for (let i = 0; i < 4; i++) {
      statuses.push((await api("/api/auth/email/resend", { method: "POST", cookie: account.cookie })).status);
    }
    expect(statuses).toEqual([202, 202, 202, 429]);
    const limited = await api("/api/auth/email/resend", { method: "POST", cookie: account.cookie });
    expect((await problemOf(limited)).code).toBe("RATE_LIMITED");
    expect(Number(limited.headers.get("Retry-After"))).toBeGreaterThan(0);
    expect(await messagesTo(account.user.email, "verification")).toHaveLength(4);
    const replaced = await verify(first);
    expect([replaced.status, (await problemOf(replaced)).code]).toEqual([404, "VERIFICATION_LINK_INVALID"]);
    expect((await verify(await verificationToken(account.user.email))).status).toBe(204);
  });

  it("resend needs a session and answers 409 once the address is verified", async () => {
    expect((await api("/api/auth/email/resend", { method: "POST" })).status).toBe(401);
    const account = await signUp();
    await verify(await verificationToken(account.user.email));
    const response = await api("/api/auth/email/resend", { method: "POST", cookie: account.cookie });
    expect(response.status).toBe(409);
    expect((await problemOf(response)).code).toBe("EMAIL_ALREADY_VERIFIED");
  });

  it("changing the email re-verifies: the new address applies only once its link is followed", async () => {
    const account = await signUp();
    await verify(await verificationToken(account.user.email));
    const newEmail = randomEmail();
    const change = await api("/api/auth/email/change", { json: { email: newEmail }, cookie: account.cookie });
    expect(change.status).toBe(202);
    const notice = await lastMessageTo(account.user.email, "notice.email-change");
    expect(notice.text).toContain(newEmail);
    const before = (await (await api("/api/me", { cookie: account.cookie })).json()) as {
      user: { email: string };
    };
    expect(before.user.email).toBe(account.user.email);
    const link = linkIn(await lastMessageTo(newEmail, "email-change"), "/verify-email#");
    expect((await verify(fragmentOf(link))).status).toBe(204);
    const me = (await (await api("/api/me", { cookie: account.cookie })).json()) as {
      user: { email: string; emailVerified: boolean };
    };
    expect(me.user).toMatchObject({ email: newEmail, emailVerified: true });
  });

  it("an email change needs a fresh session, a valid new address, and one nobody uses", async () => {
    const stale = await signUp();
    await makeSessionStale({ ...stale.user, cookie: stale.cookie });
    const refused = await api("/api/auth/email/change", {
      json: { email: randomEmail() },
      cookie: stale.cookie,
    });
    expect((await problemOf(refused)).code).toBe("REAUTH_REQUIRED");
    const account = await signUp();
    const other = await signUp();
    for (const [email, code] of [
      ["not-an-email", "INVALID_REQUEST"],
      [account.user.email, "INVALID_REQUEST"],
      [other.user.email, "EMAIL_TAKEN"],
    ]) {
      const response = await api("/api/auth/email/change", { json: { email }, cookie: account.cookie });
      expect((await problemOf(response)).code, email).toBe(code);
    }
    expect(await messagesTo(other.user.email, "email-change")).toHaveLength(0);
  });
});
