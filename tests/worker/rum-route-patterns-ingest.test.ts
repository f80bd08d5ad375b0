// A tenant's RUM route patterns reach ingest with the token lookup
// (app_authenticate_api_token_with_receipt, migrations/0050), not through a per-isolate cache: a
// changed list groups the very next batch's page paths (docs/ingest.md, "Request handling" step 7).
import { expect, it } from "vitest";
import { api } from "./support/accounts.ts";
import { kv, member, sendSpans, type Member } from "./support/query.ts";
import { randomHex, rowsOf, settleIngest } from "./support/telemetry.ts";

function pageView(path: string) {
  const at = BigInt(Date.now()) * 1_000_000n;
  return {
    traceId: randomHex(16),
    spanId: randomHex(8),
    name: "browser.page_view",
    kind: 1,
    startTimeUnixNano: (at - 1_000_000n).toString(),
    endTimeUnixNano: at.toString(),
    attributes: [kv("url.path", path)],
  };
}

async function setPatterns(m: Member, patterns: string[]): Promise<void> {
  const put = await api(`/api/tenants/${m.tenantId}/rum/routes`, {
    method: "PUT",
    json: { patterns },
    cookie: m.cookie,
  });
  expect(put.status).toBe(200);
}

it("a route pattern change applies to the next ingest request (no cached patterns)", async () => {
  const m = await member();
  const tid = crypto.randomUUID();
  const path = `/app/t/${tid}/traces`;
  await sendSpans(m.frontend, "shop-web", [pageView(path)], true);
  await setPatterns(m, ["/app/t/:tid/traces"]);
  await sendSpans(m.frontend, "shop-web", [pageView(path)], true);
  await setPatterns(m, ["/app/t/:tenant/*"]);
  await sendSpans(m.frontend, "shop-web", [pageView(path)], true);
  await setPatterns(m, []);
  await sendSpans(m.frontend, "shop-web", [pageView(path)], true);
  await settleIngest();
  const routes = await rowsOf<{ route: string }>(m.tenantId, "select route from rum_events order by time");
  expect(routes.map((row) => row.route)).toEqual([
    "/app/t/:id/traces",
    "/app/t/:tid/traces",
    "/app/t/:tenant/*",
    "/app/t/:id/traces",
  ]);
});
