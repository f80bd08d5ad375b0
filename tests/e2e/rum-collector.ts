// A fake Sightline for the consent and RUM browser tests: serves the built site (site/dist, with
// the headers of site/public/_headers, so the CSP applies) and records every OTLP request the
// browser sends to /v1/traces, and to /v1/consent (which issues fake receipts). Independent of the
// real endpoints: tests/e2e/consent-receipts.test.ts checks those on the real stack.
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, statSync } from "node:fs";
import { createServer, type IncomingHttpHeaders } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { extname, join, resolve } from "node:path";

const BUILT_SITE = resolve(import.meta.dirname, "../../site/dist");

const TYPES: Record<string, string> = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript",
  ".css": "text/css",
  ".svg": "image/svg+xml",
  ".txt": "text/plain",
};

export type ExportRequest = { headers: IncomingHttpHeaders; body: OtlpJson };
export type OtlpJson = {
  resourceSpans: {
    resource: { attributes: KeyValue[] };
    scopeSpans: { spans: { name: string; attributes: KeyValue[] }[] }[];
  }[];
};
type KeyValue = { key: string; value: Record<string, unknown> };

export type ConsentRequest = { method: string; headers: IncomingHttpHeaders; body: string };

export type Collector = {
  origin: string;
  exports: ExportRequest[];
  /** POST (receipt asked) and DELETE (receipt revoked) requests to /v1/consent, in order. */
  consents: ConsentRequest[];
  /** Extra pages: path → HTML (e.g. a dashboard page built from the home page). */
  pages: Map<string, string>;
  answer: { status: number; headers?: Record<string, string> };
  close(): Promise<void>;
};

export async function startCollector(): Promise<Collector> {
  if (!existsSync(join(BUILT_SITE, "index.html")))
    throw new Error("site/dist is missing: run `npm run build` first");
  // A snapshot, so a rebuild of site/dist while tests run cannot pull pages from under them.
  const dist = mkdtempSync(join(tmpdir(), "sightline-site-"));
  cpSync(BUILT_SITE, dist, { recursive: true });
  const siteHeaders = headersFromFile(readFileSync(join(dist, "_headers"), "utf8"));
  const collector: Omit<Collector, "origin" | "close"> = {
    exports: [],
    consents: [],
    pages: new Map(),
    answer: { status: 200 },
  };
  const server = createServer((request, response) => {
    const url = new URL(request.url ?? "/", "http://localhost");
    if (url.pathname === "/v1/traces" && request.method === "POST") {
      const chunks: Buffer[] = [];
      request.on("data", (chunk: Buffer) => chunks.push(chunk));
      request.on("end", () => {
        collector.exports.push({
          headers: request.headers,
          body: JSON.parse(Buffer.concat(chunks).toString()),
        });
        response.writeHead(collector.answer.status, {
          "content-type": "application/json",
          ...collector.answer.headers,
        });
        response.end("{}");
      });
      return;
    }
    if (url.pathname === "/v1/consent") {
      const chunks: Buffer[] = [];
      request.on("data", (chunk: Buffer) => chunks.push(chunk));
      request.on("end", () => {
        const method = request.method ?? "";
        collector.consents.push({ method, headers: request.headers, body: Buffer.concat(chunks).toString() });
        if (method !== "POST") return void response.writeHead(204).end();
        const expiresAt = new Date(Date.now() + 24 * 3600_000).toISOString();
        response.writeHead(201, { "content-type": "application/json" });
        response.end(JSON.stringify({ receipt: `${TEST_RECEIPT}${collector.consents.length}`, expiresAt }));
      });
      return;
    }
    const page = collector.pages.get(url.pathname);
    const file = page === undefined ? fileFor(dist, url.pathname) : undefined;
    if (page === undefined && !file) {
      response.writeHead(404, { ...siteHeaders, "content-type": TYPES[".html"] });
      response.end(readFileSync(join(dist, "404.html")));
      return;
    }
    const type = TYPES[file ? extname(file) : ".html"] ?? "application/octet-stream";
    response.writeHead(200, { ...siteHeaders, "content-type": type });
    response.end(
      type === TYPES[".html"] ? withToken(page ?? readFileSync(file!, "utf8")) : readFileSync(file!),
    );
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return Object.assign(collector, {
    origin: `http://localhost:${port}`,
    close: () =>
      new Promise<void>((resolve) =>
        server.close(() => {
          rmSync(dist, { recursive: true, force: true });
          resolve();
        }),
      ),
  });
}

export const TEST_TOKEN = "sl_frontend_test_token";
/** Receipts the fake issues: this prefix and the request's number. */
export const TEST_RECEIPT = "test-receipt-";

/** The site as built for a tenant: `npm run build` without PUBLIC_SIGHTLINE_RUM_TOKEN has no token. */
function withToken(html: string): string {
  return html
    .replace(/ data-rum-token="[^"]*"/, "")
    .replace('id="consent"', `id="consent" data-rum-token="${TEST_TOKEN}"`);
}

function fileFor(root: string, pathname: string): string | undefined {
  const path = join(root, decodeURIComponent(pathname));
  if (!path.startsWith(root)) return undefined;
  for (const candidate of [path, join(path, "index.html")]) {
    if (existsSync(candidate) && statSync(candidate).isFile()) return candidate;
  }
  return undefined;
}

/** The `/*` block of a Workers `_headers` file. */
function headersFromFile(text: string): Record<string, string> {
  const headers: Record<string, string> = {};
  let inBlock = false;
  for (const line of text.split("\n")) {
    if (/^\S/.test(line)) inBlock = line.trim() === "/*";
    else if (inBlock && line.includes(":")) {
      const [name, ...value] = line.trim().split(":");
      headers[name!.trim()] = value.join(":").trim();
    }
  }
  return headers;
}

/** Every attribute of every span (resource attributes included) of the recorded exports. */
export function spansOf(exports: ExportRequest[]): { name: string; attributes: Record<string, unknown> }[] {
  return exports.flatMap(({ body }) =>
    body.resourceSpans.flatMap(({ resource, scopeSpans }) =>
      scopeSpans.flatMap(({ spans }) =>
        spans.map((span) => ({
          name: span.name,
          attributes: { ...plain(resource.attributes), ...plain(span.attributes) },
        })),
      ),
    ),
  );
}

function plain(attributes: KeyValue[]): Record<string, unknown> {
  return Object.fromEntries(
    attributes.map(({ key, value }) => {
      const [kind, raw] = Object.entries(value)[0]!;
      if (kind === "arrayValue") {
        const values = (raw as { values?: Record<string, unknown>[] }).values ?? [];
        return [key, values.map((item) => Object.values(item)[0])];
      }
      return [key, kind === "intValue" ? Number(raw) : raw];
    }),
  );
}
