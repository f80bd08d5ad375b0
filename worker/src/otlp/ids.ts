// Trace and span ids: bytes on the wire, lower-case hex everywhere else (OTLP JSON, storage, API).
export const TRACE_ID_BYTES = 16;
export const SPAN_ID_BYTES = 8;

/** Two hex digits per byte value, built once: ids are converted for every span of every batch. */
const HEX = Array.from({ length: 256 }, (_, byte) => byte.toString(16).padStart(2, "0"));

export function hexOf(bytes: Uint8Array): string {
  let hex = "";
  for (let i = 0; i < bytes.length; i++) hex += HEX[bytes[i]];
  return hex;
}

/** A valid id has exactly `length` bytes and is not all zeros (the spec's "invalid" id). */
export function isValidId(bytes: Uint8Array, length: number): boolean {
  return bytes.length === length && bytes.some((byte) => byte !== 0);
}
