// GET /logs/severity from the minute and hour rollups (migrations 0073, 0074; docs/query.md "Logs"): the same
// steps the records give, whether or not the range starts on a whole minute; a redelivered batch
// counted once; the text and trace filters still count the records themselves.
import { beforeAll, describe, expect, it } from "vitest";
import { JSON_TYPE, kv, member, read, type Member } from "./support/query.ts";
import { postOtlp, readRows, rowsOf } from "./support/telemetry.ts";

const MINUTE = 60_000;
// Twenty minutes that ended a while ago (every record is in the past).
const START = Math.floor(Date.now() / MINUTE) * MINUTE - 40 * MINUTE;

type Record = { ms: number; severity: number; service: string; body: string };
// Records on and around minute and step edges, of several services and severities.
const RECORDS: Record[] = [0, 1, 59_999, 60_000, 61_500, 119_000, 150_000, 299_000, 301_000, 599_999, 600_000]
  .flatMap((offset, i) => [
    {
      ms: START + offset,
      severity: [9, 13, 17, 21, 5][i % 5],
      service: i % 2 ? "api" : "web",
      body: `r${i}`,
    },
    { ms: START + offset + 7_000, severity: 9, service: "api", body: `s${i}` },
  ])
  .concat(
    Array.from({ length: 40 }, (_, i) => ({
      ms: START + i * 29_000,
      severity: 17,
      service: "web",
      body: "x",
    })),
  );

let m: Member;

function logsBody(records: Record[]): string {
  const services = [...new Set(records.map((record) => record.service))];
  return JSON.stringify({
    resourceLogs: services.map((service) => ({
      resource: { attributes: [kv("service.name", service)] },
      scopeLogs: [
        {
          logRecords: records
            .filter((record) => record.service === service)
            .map((record, i) => ({
              timeUnixNano: (BigInt(record.ms) * 1_000_000n).toString(),
              severityNumber: record.severity,
              body: { stringValue: record.body },
              attributes: [kv("n", i)],
            })),
        },
      ],
    })),
  });
}

beforeAll(async () => {
  m = await member();
  const body = logsBody(RECORDS);
  for (let sent = 0; sent < 2; sent++) {
    // The second time is a redelivery: nothing new is stored, so nothing is counted again.
    expect((await postOtlp("logs", body, { token: m.backend, contentType: JSON_TYPE })).status).toBe(200);
  }
});

const CLASSES = ["unset", "trace", "debug", "info", "warn", "error", "fatal"];

/** The steps counted by hand from the records. */
function expected(from: number, to: number, stepMs: number, keep: (record: Record) => boolean) {
  const steps = Array.from({ length: Math.ceil((to - from) / stepMs) }, (_, k) => ({
    time: new Date(from + k * stepMs).toISOString(),
    ...Object.fromEntries(CLASSES.map((name) => [name, 0])),
  })) as ({ time: string } & { [name: string]: number })[];
  for (const record of RECORDS.filter((r) => r.ms >= from && r.ms < to && keep(r)))
    steps[Math.floor((record.ms - from) / stepMs)][CLASSES[Math.ceil(record.severity / 4)]] += 1;
  return steps;
}

async function counted(from: number, to: number, step: number, filters = "") {
  const response = await read(
    m,
    `/logs/severity?from=${new Date(from).toISOString()}&to=${new Date(to).toISOString()}&step=${step}${filters}`,
  );
  expect(response.status).toBe(200);
  return (await response.json<{ steps: unknown[] }>()).steps;
}

describe("log severity counts from the minute rollups", () => {
  it("count every record once, in the step its own time falls in, on or off whole minutes", async () => {
    for (const [from, to, step] of [
      [START, START + 20 * MINUTE, 300], // whole minutes
      [START + 500, START + 11 * MINUTE + 30_000, 120], // neither end on a whole minute
      [START + 59_999, START + 10 * MINUTE + 1, 60], // boundaries a millisecond off a minute
      [START - 5 * MINUTE + 1_234, START + 30 * MINUTE, 600], // edges with no records
    ])
      expect(await counted(from, to, step), `${from - START}…${to - START} / ${step}`).toEqual(
        expected(from, to, step * 1000, () => true),
      );
  });

  it("whole-hour steps from a whole hour read the hour rollups, and minutes for the last partial hour", async () => {
    const hour = Math.floor(START / 3_600_000) * 3_600_000;
    for (const [from, to, step] of [
      [hour, START + 20 * MINUTE, 3600],
      [hour - 3_600_000, START + 7 * MINUTE + 30_000, 7200],
      [hour, hour + 2 * 3_600_000, 3600],
    ])
      expect(await counted(from, to, step), `${from - START}…${to - START} / ${step}`).toEqual(
        expected(from, to, step * 1000, () => true),
      );
    const to = START + 9 * MINUTE;
    expect(await counted(hour, to, 3600, "&severity=13&service=web")).toEqual(
      expected(hour, to, 3_600_000, (r) => r.service === "web" && r.severity >= 13),
    );
  });

  it("apply the service and minimum severity filters", async () => {
    const [from, to] = [START + 1_000, START + 12 * MINUTE];
    expect(await counted(from, to, 60, "&service=api")).toEqual(
      expected(from, to, MINUTE, (r) => r.service === "api"),
    );
    expect(await counted(from, to, 180, "&severity=13&service=web")).toEqual(
      expected(from, to, 180_000, (r) => r.service === "web" && r.severity >= 13),
    );
  });

  it("a redelivered batch is counted once: the rollups hold what log_records holds", async () => {
    const [stored] = await rowsOf<{ n: string }>(m.tenantId, "select count(*) as n from log_records");
    const [rolled] = await rowsOf<{ n: string }>(
      m.tenantId,
      "select sum(count) as n from log_severity_rollups",
    );
    expect(Number(stored.n)).toBe(RECORDS.length);
    expect(Number(rolled.n)).toBe(RECORDS.length);
  });

  it("rls: another tenant reads none of these rollups", async () => {
    const other = await member();
    await rowsOf(m.tenantId, "select 1");
    expect(await readRows(other.tenantId, "select 1 from log_severity_rollups")).toEqual([]);
    expect(await readRows(m.tenantId, "select 1 from log_severity_rollups")).not.toEqual([]);
  });

  it("a text filter or a step that is not whole minutes counts the records themselves, the same way", async () => {
    const [from, to] = [START + 250, START + 10 * MINUTE];
    expect(await counted(from, to, 90)).toEqual(expected(from, to, 90_000, () => true));
    expect(await counted(from, to, 60, "&q=x")).toEqual(
      expected(from, to, MINUTE, (r) => r.body.includes("x")),
    );
  });
});
