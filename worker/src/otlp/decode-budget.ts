// What a body will cost once decoded, measured before decoding it, without allocating. A decoded
// message is a few JS objects (≈ 100–200 bytes of heap) however few bytes it takes on the wire, so
// 8 MiB of tiny protobuf messages (a KeyValue can be 4 bytes) or JSON objects (`{}` is 2) would
// decode to far more than an isolate's 128 MB. Both scans count messages (protobuf) or
// containers (JSON objects and arrays) and nesting depth, and stop as soon as a limit is passed.
// They never judge validity: a malformed body is left for the real decoder to refuse (400).
import type { DescMessage } from "@bufbuild/protobuf";
import type { Result } from "../result.ts";

export type Cost = Result<object, { reason: "too-many" | "too-deep" }>;

/** Stops a scan early; never escapes this module. */
class Exceeded extends Error {
  readonly reason: "too-many" | "too-deep";
  constructor(reason: "too-many" | "too-deep") {
    super(reason);
    this.reason = reason;
  }
}

type Limits = { maxMessages: number; maxDepth: number };

/** Protobuf: walks the wire format along the schema, counting every nested message. */
export function protobufCost(schema: DescMessage, bytes: Uint8Array, limits: Limits): Cost {
  const counter = { messages: 0 };
  return measured(() => scanMessage(schema, bytes, 0, bytes.length, 1, limits, counter));
}

function scanMessage(
  schema: DescMessage,
  bytes: Uint8Array,
  start: number,
  end: number,
  depth: number,
  limits: Limits,
  counter: { messages: number },
): void {
  if (depth > limits.maxDepth) throw new Exceeded("too-deep");
  let pos = start;
  while (pos < end) {
    const tag = readVarint(bytes, pos);
    pos = tag.next;
    const wireType = tag.value % 8;
    if (wireType === 0) pos = readVarint(bytes, pos).next;
    else if (wireType === 1) pos += 8;
    else if (wireType === 5) pos += 4;
    else if (wireType === 2) {
      const length = readVarint(bytes, pos);
      pos = length.next;
      const fieldEnd = Math.min(pos + length.value, end);
      const nested = messageFields(schema).get(Math.floor(tag.value / 8));
      if (nested) {
        if (++counter.messages > limits.maxMessages) throw new Exceeded("too-many");
        scanMessage(nested, bytes, pos, fieldEnd, depth + 1, limits, counter);
      }
      pos = fieldEnd;
    } else return; // groups or garbage: malformed, the decoder will say so
  }
}

const MESSAGE_FIELDS = new WeakMap<DescMessage, Map<number, DescMessage>>();

/** Field number → message type, for the fields of `schema` that hold messages (singular or repeated). */
function messageFields(schema: DescMessage): Map<number, DescMessage> {
  let fields = MESSAGE_FIELDS.get(schema);
  if (!fields) {
    fields = new Map(
      schema.fields.flatMap((field) => (field.message ? [[field.number, field.message]] : [])),
    );
    MESSAGE_FIELDS.set(schema, fields);
  }
  return fields;
}

/** A varint as a double: exact up to 2^53, more than any tag or length can be. */
function readVarint(bytes: Uint8Array, start: number): { value: number; next: number } {
  let value = 0;
  let scale = 1;
  let pos = start;
  while (pos < bytes.length && pos - start < 10) {
    const byte = bytes[pos++];
    value += (byte & 0x7f) * scale;
    scale *= 128;
    if (byte < 0x80) break;
  }
  return { value, next: pos };
}

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
/** Byte → what the scan does with it outside strings: 1 opens a container, 2 closes one, 3 a string. */
const ROLE = new Uint8Array(256);
ROLE[0x7b] = ROLE[0x5b] = 1; // { [
ROLE[0x7d] = ROLE[0x5d] = 2; // } ]
ROLE[QUOTE] = 3;

/** JSON (UTF-8 bytes): counts objects and arrays outside strings, and the deepest nesting. */
export function jsonCost(bytes: Uint8Array, limits: Limits): Cost {
  return measured(() => {
    let containers = 0;
    let depth = 0;
    for (let i = 0; i < bytes.length; i++) {
      const role = ROLE[bytes[i]];
      if (role === 0) continue;
      if (role === 1) {
        if (++depth > limits.maxDepth) throw new Exceeded("too-deep");
        if (++containers > limits.maxMessages) throw new Exceeded("too-many");
      } else if (role === 2) depth--;
      else i = stringEnd(bytes, i);
    }
  });
}

/**
 * Where the string opened at `start` closes (or the end): its closing quote is the first one not
 * escaped, i.e. not after an odd run of backslashes. `indexOf` finds quotes natively, so most of a
 * body's bytes (its strings) are never visited one by one.
 */
function stringEnd(bytes: Uint8Array, start: number): number {
  let quote = start;
  for (;;) {
    quote = bytes.indexOf(QUOTE, quote + 1);
    if (quote < 0) return bytes.length;
    let backslashes = 0;
    while (bytes[quote - 1 - backslashes] === BACKSLASH) backslashes++;
    if (backslashes % 2 === 0) return quote;
  }
}

function measured(scan: () => void): Cost {
  try {
    scan();
    return { ok: true };
  } catch (error) {
    if (error instanceof Exceeded) return { ok: false, reason: error.reason };
    throw error;
  }
}
