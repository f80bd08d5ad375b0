// JSON request bodies with small hand-written checks (no schema library: bundle size). A JSON
// route refuses other content types with 400 (a text/plain "simple request" is how cross-site
// forms smuggle JSON), and every failure names the field.
import type { Context } from "hono";
import type { AppEnv } from "./env.ts";
import { HttpError } from "./errors.ts";
import { readStream } from "./otlp/request-body.ts";

export const MAX_JSON_BYTES = 64 * 1024;
const EMPTY = { ok: true, bytes: new Uint8Array(0) } as const;

const tooLarge = () => new HttpError(413, "PAYLOAD_TOO_LARGE", `The body exceeds ${MAX_JSON_BYTES} bytes`);

export type JsonObject = Record<string, unknown>;

export async function jsonBody(c: Context<AppEnv>): Promise<JsonObject> {
  const type = c.req.header("Content-Type") ?? "";
  if (!/^application\/json\s*(;|$)/i.test(type)) {
    throw new HttpError(400, "INVALID_REQUEST", "Content-Type must be application/json");
  }
  // Bytes, not characters, and never more than the limit in memory: the stream is abandoned as
  // soon as it passes MAX_JSON_BYTES (a declared Content-Length above it is refused unread).
  if (Number(c.req.header("Content-Length") ?? 0) > MAX_JSON_BYTES) throw tooLarge();
  const read = c.req.raw.body ? await readStream(c.req.raw.body, false, MAX_JSON_BYTES) : EMPTY;
  if (!read.ok) throw read.status === 413 ? tooLarge() : new HttpError(400, "INVALID_REQUEST", read.message);
  let body: unknown;
  try {
    body = JSON.parse(new TextDecoder("utf-8", { fatal: true, ignoreBOM: false }).decode(read.bytes));
  } catch {
    throw new HttpError(400, "INVALID_REQUEST", "body: not valid JSON");
  }
  if (typeof body !== "object" || body === null || Array.isArray(body)) {
    throw new HttpError(400, "INVALID_REQUEST", "body: expected a JSON object");
  }
  return body as JsonObject;
}

export function stringField(body: JsonObject, field: string, max: number): string {
  const value = body[field];
  if (typeof value !== "string" || value.trim() === "" || value.length > max) {
    throw new HttpError(
      400,
      "INVALID_REQUEST",
      `${field}: expected a non-empty string of at most ${max} characters`,
    );
  }
  return value.trim();
}

export function optionalStringField(body: JsonObject, field: string, max: number): string | undefined {
  return body[field] === undefined ? undefined : stringField(body, field, max);
}

export function objectField<T>(body: JsonObject, field: string): T {
  const value = body[field];
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw new HttpError(400, "INVALID_REQUEST", `${field}: expected an object`);
  }
  return value as T;
}
