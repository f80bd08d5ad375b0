// Reads an OTLP/HTTP request body: media type, content coding and a size limit that applies to
// the decompressed bytes while they stream, so a gzip bomb is cut off at the limit (413) and
// memory never grows past it (Hono's bodyLimit counts only compressed bytes).
import type { ErrorCode } from "../error-codes.ts";
import type { Result } from "../result.ts";

export type OtlpEncoding = "protobuf" | "json";

type Failure = { status: 400 | 413 | 415; code: ErrorCode; message: string };
export type Body = Result<{ bytes: Uint8Array }, Failure>;
export type BodyFailure = Extract<Body, { ok: false }>;

/** After decompression. The Collector's default is 20 MiB; a Worker isolate has 128 MB in all. */
export const MAX_BODY_BYTES = 8 * 1024 * 1024;

const MEDIA_TYPES: Record<string, OtlpEncoding> = {
  "application/x-protobuf": "protobuf",
  "application/json": "json",
};

/** The encoding named by a Content-Type header (parameters ignored), or null: 415. */
export function encodingOf(contentType: string | null | undefined): OtlpEncoding | null {
  const mediaType = (contentType ?? "").split(";")[0].trim().toLowerCase();
  return MEDIA_TYPES[mediaType] ?? null;
}

export async function readBody(request: Request, maxBytes = MAX_BODY_BYTES): Promise<Body> {
  const coding = (request.headers.get("Content-Encoding") ?? "identity").trim().toLowerCase();
  if (coding !== "gzip" && coding !== "identity" && coding !== "") {
    return failure(415, "UNSUPPORTED_ENCODING", `Content-Encoding ${coding} is not supported; use gzip`);
  }
  const declared = Number(request.headers.get("Content-Length") ?? "0");
  if (declared > maxBytes) return tooLarge(maxBytes);
  if (!request.body) return { ok: true, bytes: new Uint8Array(0) };
  const gzip = coding === "gzip";
  // A declared length within the limit is all the runtime reads (HTTP framing): one native read
  // instead of a promise per chunk. Checked again after, for a body that is not framed by it.
  if (!gzip && request.headers.has("Content-Length")) return readWhole(request, maxBytes);
  return readStream(request.body, gzip, maxBytes);
}

async function readWhole(request: Request, maxBytes: number): Promise<Body> {
  const bytes = await request.bytes().catch(() => null);
  if (!bytes) return unreadable();
  return bytes.byteLength > maxBytes ? tooLarge(maxBytes) : { ok: true, bytes };
}

/** The (decompressed) bytes of a body, read chunk by chunk and abandoned at the limit. */
export async function readStream(
  body: ReadableStream<Uint8Array>,
  gzip: boolean,
  maxBytes: number,
): Promise<Body> {
  // The cast: DOM and Workers typings disagree on DecompressionStream's writable chunk type.
  const stream = gzip
    ? body.pipeThrough(new DecompressionStream("gzip") as unknown as TransformStream<Uint8Array, Uint8Array>)
    : body;
  const reader = stream.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      total += value.byteLength;
      if (total > maxBytes) {
        await reader.cancel().catch(() => {});
        return tooLarge(maxBytes);
      }
      chunks.push(value);
    }
  } catch {
    return gzip ? failure(400, "INVALID_GZIP", "The body is not a valid gzip stream") : unreadable();
  }
  const bytes = new Uint8Array(total);
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return { ok: true, bytes };
}

function tooLarge(maxBytes: number): BodyFailure {
  return failure(413, "PAYLOAD_TOO_LARGE", `The decompressed body exceeds ${maxBytes} bytes`);
}

function unreadable(): BodyFailure {
  return failure(400, "INVALID_BODY", "The request body could not be read");
}

function failure(status: BodyFailure["status"], code: ErrorCode, message: string): BodyFailure {
  return { ok: false, status, code, message };
}
