// The Privacy Policy's retention table is rendered from worker/src/retention/policy.ts, the same
// constants the retention jobs are tested against: if the page and the code disagree, this fails.
import { existsSync, readFileSync } from "node:fs";
import { resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { RETENTION } from "../../worker/src/retention/policy.ts";

const ROOT = resolve(import.meta.dirname, "../..");
const page = resolve(ROOT, "site/dist/privacy/index.html");

function retentionTableText(): string {
  expect(existsSync(page), "site/dist is missing: run `npm run build` first").toBe(true);
  const table = readFileSync(page, "utf8").match(/<table id="retention"[\s\S]*?<\/table>/)?.[0] ?? "";
  return table
    .replace(/<[^>]+>/g, " ")
    .replace(/\s+/g, " ")
    .trim();
}

describe("Privacy Policy", () => {
  it("lists Cloudflare Email Service as the processor of the emails it sends", () => {
    const text = readFileSync(page, "utf8")
      .replace(/<[^>]+>/g, "")
      .replace(/\s+/g, " ");
    expect(text).toContain("Cloudflare Email Service, which processes your address and the message on our");
  });

  it("states the retention periods the retention jobs enforce", () => {
    const text = retentionTableText();
    const { telemetry } = RETENTION;
    expect(text).toContain(`restorable for ${RETENTION.deletedAccountDays} days, then purged`);
    expect(text).toContain(`${RETENTION.expiredApiTokenDays} days after they expire`);
    expect(text).toContain(`Audit log entries ${RETENTION.auditEventDays} days`);
    expect(text).toContain(`Records of emails sent to you ${RETENTION.sentEmailDays} days after sending`);
    expect(text).toContain(
      `Email confirmation links ${RETENTION.expiredVerificationDays} days after they expire`,
    );
    expect(text).toContain(`refused-batch counts) ${RETENTION.consentRecordDays} days, then deleted`);
    expect(text).toContain(
      `${telemetry.freeDays} days on the free plan; ${telemetry.paidMinDays} to ${telemetry.paidMaxDays} days as configured on paid plans (${telemetry.paidDefaultDays} by default)`,
    );
  });

  it("states no retention period the code does not have", () => {
    const stated = [...retentionTableText().matchAll(/(\d+) days?/g)].map((match) => Number(match[1]));
    const known = new Set<number>([
      RETENTION.deletedAccountDays,
      RETENTION.expiredApiTokenDays,
      RETENTION.auditEventDays,
      RETENTION.sentEmailDays,
      RETENTION.expiredVerificationDays,
      RETENTION.consentRecordDays,
      ...Object.values(RETENTION.telemetry),
    ]);
    expect(stated.filter((days) => !known.has(days))).toEqual([]);
  });
});
