// Trace and span ids: bytes on the wire, lower-case hex everywhere else (OTLP JSON, storage, API).
export const TRACE_ID_BYTES = 16;
export const SPAN_ID_BYTES = 8;

/** A valid id has exactly `length` bytes and is not all zeros (the spec's "invalid" id). */
export function isValidId(bytes: Uint8Array, length: number): boolean {
  return bytes.length === length && bytes.some((byte) => byte !== 0);
}
