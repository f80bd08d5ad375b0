// The SDK's side of consent receipts: the exporter sends the tab's receipt on every batch and sends
// nothing without one; receipts are asked for with the session and kept with it, renewed before
// they expire; the tab's session keeps its receipt across page views.
import { ExportResultCode, type ExportResult } from "@opentelemetry/core";
import { InMemorySpanExporter, SimpleSpanProcessor, TracerProvider } from "@opentelemetry/sdk-trace";
import { describe, expect, it } from "vitest";
import { RumExporter } from "../../rum-sdk/src/exporter.ts";
import { requestReceipt, usableReceipt } from "../../rum-sdk/src/receipt.ts";
import { readSession, recordPageView, saveReceipt } from "../../rum-sdk/src/session.ts";
import { MemoryStorage } from "./rum-memory-storage.ts";

function oneSpan() {
  const memory = new InMemorySpanExporter();
  const provider = new TracerProvider({ spanProcessors: [new SimpleSpanProcessor({ exporter: memory })] });
  provider.getTracer("test").startSpan("span").end();
  return memory.getFinishedSpans();
}

function exporterWith(receipt: () => Promise<string | undefined>) {
  const sent: RequestInit[] = [];
  const exporter = new RumExporter({
    url: "/v1/traces",
    token: "frontend-token",
    receipt,
    fetch: async (_url, init) => {
      sent.push(init!);
      return new Response("{}", { status: 200 });
    },
  });
  const exportNow = () => new Promise<ExportResult>((resolve) => exporter.export(oneSpan(), resolve));
  return { exporter, sent, exportNow };
}

describe("receipts on batches", () => {
  it("every batch carries the tab's receipt", async () => {
    const { sent, exportNow } = exporterWith(async () => "receipt-1");
    expect((await exportNow()).code).toBe(ExportResultCode.SUCCESS);
    expect((sent[0]!.headers as Record<string, string>)["sightline-consent"]).toBe("receipt-1");
  });

  it("without a receipt (refused, offline) the batch is dropped before any request", async () => {
    const { sent, exportNow } = exporterWith(async () => undefined);
    expect((await exportNow()).code).toBe(ExportResultCode.FAILED);
    expect(sent).toEqual([]);
  });

  it("a withdrawal while the receipt is on its way sends nothing", async () => {
    let issue: (receipt: string) => void = () => {};
    const { exporter, sent, exportNow } = exporterWith(() => new Promise((resolve) => (issue = resolve)));
    const result = exportNow();
    exporter.withdraw();
    issue("receipt-1");
    expect((await result).code).toBe(ExportResultCode.FAILED);
    expect(sent).toEqual([]);
  });
});

describe("asking for a receipt", () => {
  it("posts the session and policy version with the token, without cookies, and reads the answer", async () => {
    const calls: RequestInit[] = [];
    const issued = await requestReceipt({
      url: "/v1/consent",
      token: "frontend-token",
      sessionId: "0f9e2c1a-1111-4222-8333-444455556666",
      policyVersion: 1,
      gpcOptIn: false,
      fetch: async (_url, init) => {
        calls.push(init!);
        return Response.json({ receipt: "r", expiresAt: "2026-12-03T00:00:00.000Z" }, { status: 201 });
      },
    });
    expect(issued).toEqual({ receipt: "r", expiresAt: Date.parse("2026-12-03T00:00:00.000Z") });
    expect(calls[0]).toMatchObject({ method: "POST", credentials: "omit" });
    expect(JSON.parse(calls[0]!.body as string)).toEqual({
      sessionId: "0f9e2c1a-1111-4222-8333-444455556666",
      policyVersion: 1,
    });
  });

  it("a refusal (403 GPC_OPT_OUT, 409, …) or a network failure is no receipt", async () => {
    const base = { url: "/v1/consent", token: "t", sessionId: "s", policyVersion: 1, gpcOptIn: false };
    expect(
      await requestReceipt({ ...base, fetch: async () => new Response("{}", { status: 403 }) }),
    ).toBeNull();
    expect(
      await requestReceipt({ ...base, fetch: () => Promise.reject(new TypeError("offline")) }),
    ).toBeNull();
  });

  it("a stored receipt is used while it has more than an hour to live, then renewed", () => {
    const now = 1_000_000_000;
    expect(usableReceipt({ receipt: "r", receiptExpiresAt: now + 2 * 3600_000 }, now)).toBe("r");
    expect(usableReceipt({ receipt: "r", receiptExpiresAt: now + 1800_000 }, now)).toBeUndefined();
    expect(usableReceipt({}, now)).toBeUndefined();
  });

  it("is kept with the tab's session across page views, and never with another session", () => {
    const storage = new MemoryStorage();
    const { session } = recordPageView(storage, "/", () => crypto.randomUUID());
    saveReceipt(storage, "another-session", "foreign", 1);
    expect(readSession(storage)?.receipt).toBeUndefined();
    saveReceipt(storage, session.id, "mine", 42);
    recordPageView(storage, "/pricing", () => crypto.randomUUID());
    expect(readSession(storage)).toMatchObject({
      id: session.id,
      pages: 2,
      receipt: "mine",
      receiptExpiresAt: 42,
    });
  });
});
