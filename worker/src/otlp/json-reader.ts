// OTLP/JSON (a parsed JSON value) → the generated messages of proto/otlp.proto.
//
// Why not protobuf-es's fromJson: it serves any schema (enums, maps, well-known types, extensions)
// and OTLP/JSON's ids would have to pass through base64 on the way in (proto3 JSON's bytes). For a
// 1,000-span request that was ~15 of the ~20 ms decoding took (docs/ingest.md, "OTLP/JSON
// reader"). This reader is compiled once per message type from the same descriptors, knows only
// the field kinds that schema uses (it refuses to compile any other, so a schema change cannot
// slip past it), and reads ids as the hex OTLP/JSON writes them. Otherwise it accepts and refuses
// exactly what `fromJson(schema, json, { ignoreUnknownFields: true })` does, and builds equal
// messages: tests/unit/otlp-json-reader.test.ts holds it to that, case by case and on mutated
// requests.
import { create, ScalarType, type DescField, type DescMessage, type MessageShape } from "@bufbuild/protobuf";
import { base64Decode } from "@bufbuild/protobuf/wire";
import { fromHex } from "../byte-encoding.ts";
import { SPAN_ID_BYTES, TRACE_ID_BYTES } from "./ids.ts";

/** Refusals of this reader; decode.ts turns them into a 400. */
export class JsonReadError extends Error {}

/**
 * OTLP/JSON writes these bytes fields as hex, not base64, in every message that has them ("Hex
 * encoding is used for traceId and spanId fields in all OTLP Protobuf messages"), and each has
 * one length.
 */
const HEX_ID_BYTES: Record<string, number> = {
  trace_id: TRACE_ID_BYTES,
  span_id: SPAN_ID_BYTES,
  parent_span_id: SPAN_ID_BYTES,
};

/** As fromJson's default: messages nested deeper than this are refused. */
const RECURSION_LIMIT = 100;

type Message = Record<string, unknown>;
type Reader = (json: unknown, depth: number) => Message;
type Entry = {
  /** One bit per field: a field named twice (by its proto and its JSON name) is refused. */
  bit: number;
  /** The oneof's bit, 0 outside a oneof: two members of one oneof are refused. */
  oneofBit: number;
  /** A oneof scalar given as null is left unset (it still counts as named). */
  nullSkips: boolean;
  read: (message: Message, json: unknown, depth: number) => void;
};

const READERS = new WeakMap<DescMessage, Reader>();

export function readJson<Desc extends DescMessage>(schema: Desc, json: unknown): MessageShape<Desc> {
  return readerOf(schema)(json, 1) as MessageShape<Desc>;
}

function readerOf(desc: DescMessage): Reader {
  return READERS.get(desc) ?? compileMessage(desc);
}

function compileMessage(desc: DescMessage): Reader {
  if (desc.fields.length > 31) throw new Error(`${desc.typeName}: too many fields for one bit each`);
  const entries = new Map<string, Entry>();
  const reader: Reader = (json, depth) => {
    if (depth > RECURSION_LIMIT) {
      throw new JsonReadError(`${desc.typeName}: nested deeper than ${RECURSION_LIMIT} messages`);
    }
    if (!isObject(json)) throw new JsonReadError(`${desc.typeName}: expected an object, got ${shown(json)}`);
    const message = create(desc) as Message;
    let named = 0;
    let oneofs = 0;
    for (const key of Object.keys(json)) {
      const entry = entries.get(key);
      if (entry === undefined) continue; // unknown fields are ignored, as OTLP requires
      if (named & entry.bit) throw new JsonReadError(`${desc.typeName}: "${key}" is set twice`);
      named |= entry.bit;
      const value = json[key];
      if (entry.nullSkips && value === null) continue;
      if (entry.oneofBit) {
        if (oneofs & entry.oneofBit) throw new JsonReadError(`${desc.typeName}: "${key}" sets a oneof twice`);
        oneofs |= entry.oneofBit;
      }
      entry.read(message, value, depth);
    }
    return message;
  };
  // Registered before the fields compile: AnyValue and ArrayValue refer to each other.
  READERS.set(desc, reader);
  const oneofs = desc.oneofs;
  desc.fields.forEach((field, index) => {
    const entry: Entry = {
      bit: 1 << index,
      oneofBit: field.oneof ? 1 << oneofs.indexOf(field.oneof) : 0,
      nullSkips: field.oneof !== undefined && field.fieldKind === "scalar",
      read: compileField(desc, field),
    };
    entries.set(field.name, entry).set(field.jsonName, entry);
  });
  return reader;
}

/**
 * Reads a field's message one level deeper. Its reader is resolved on first use, not per value: it
 * may still be compiling when the field is (AnyValue and ArrayValue refer to each other).
 */
function childReader(child: DescMessage): Reader {
  let reader: Reader | undefined;
  return (json, depth) => (reader ??= readerOf(child))(json, depth + 1);
}

function compileField(desc: DescMessage, field: DescField): Entry["read"] {
  const name = field.localName;
  const where = `${desc.typeName}.${field.name}`;
  switch (field.fieldKind) {
    case "scalar": {
      const parse = scalarParser(field.scalar, field.name, where);
      if (field.oneof) {
        const oneof = field.oneof.localName;
        return (message, json) => {
          message[oneof] = { case: name, value: parse(json) };
        };
      }
      // null clears: implicit presence to the zero value, explicit (proto3 `optional`) to unset.
      const explicit = field.presence !== IMPLICIT;
      const zero = create(desc) as Message;
      return (message, json) => {
        if (json !== null) message[name] = parse(json);
        else if (explicit) delete message[name];
        else message[name] = field.scalar === ScalarType.BYTES ? new Uint8Array(0) : zero[name];
      };
    }
    case "message": {
      const read = childReader(field.message);
      if (field.oneof) {
        const oneof = field.oneof.localName;
        return (message, json, depth) => {
          if (json !== null) message[oneof] = { case: name, value: read(json, depth) };
        };
      }
      return (message, json, depth) => {
        if (json === null) delete message[name];
        else message[name] = read(json, depth);
      };
    }
    case "list": {
      const item = listItemReader(field, where);
      return (message, json, depth) => {
        if (json === null) return;
        if (!Array.isArray(json)) throw new JsonReadError(`${where}: expected an array, got ${shown(json)}`);
        const items = message[name] as unknown[];
        for (const value of json) {
          if (value === null) throw new JsonReadError(`${where}: a list item must not be null`);
          items.push(item(value, depth));
        }
      };
    }
    default:
      throw new Error(`${where}: the OTLP/JSON reader does not read ${field.fieldKind} fields`);
  }
}

function listItemReader(field: DescField & { fieldKind: "list" }, where: string) {
  if (field.listKind === "scalar") {
    const parse = scalarParser(field.scalar, field.name, where);
    return (json: unknown) => parse(json);
  }
  if (field.listKind === "message") return childReader(field.message);
  throw new Error(`${where}: the OTLP/JSON reader does not read lists of ${field.listKind}`);
}

// google.protobuf.FeatureSet.FieldPresence.IMPLICIT (proto3 fields without `optional`).
const IMPLICIT = 2;
const INT32 = { min: -0x80000000, max: 0x7fffffff };
const UINT32 = { min: 0, max: 0xffffffff };
const INT64 = { min: -(2n ** 63n), max: 2n ** 63n - 1n };
const UINT64 = { min: 0n, max: 2n ** 64n - 1n };

function scalarParser(scalar: ScalarType, fieldName: string, where: string): (json: unknown) => unknown {
  const refuse = (json: unknown, expected: string): never => {
    throw new JsonReadError(`${where}: expected ${expected}, got ${shown(json)}`);
  };
  switch (scalar) {
    case ScalarType.STRING:
      return (json) => {
        // JSON escapes can spell a lone surrogate, which is no Unicode text.
        if (typeof json !== "string" || !json.isWellFormed()) refuse(json, "a string");
        return json;
      };
    case ScalarType.BOOL:
      return (json) => (typeof json === "boolean" ? json : refuse(json, "a boolean"));
    case ScalarType.DOUBLE:
      return (json) => {
        const value = doubleOf(json);
        return value === undefined ? refuse(json, "a number") : value;
      };
    case ScalarType.INT32:
    case ScalarType.SINT32:
    case ScalarType.SFIXED32:
      return int32Parser(INT32, (json) => refuse(json, "a 32-bit integer"));
    case ScalarType.UINT32:
    case ScalarType.FIXED32:
      return int32Parser(UINT32, (json) => refuse(json, "an unsigned 32-bit integer"));
    case ScalarType.INT64:
    case ScalarType.SINT64:
    case ScalarType.SFIXED64:
      return int64Parser(INT64, (json) => refuse(json, "a 64-bit integer"));
    case ScalarType.UINT64:
    case ScalarType.FIXED64:
      return int64Parser(UINT64, (json) => refuse(json, "an unsigned 64-bit integer"));
    case ScalarType.BYTES: {
      const idBytes = HEX_ID_BYTES[fieldName];
      if (idBytes !== undefined) return hexIdParser(idBytes, fieldName);
      return (json) => {
        if (typeof json !== "string") return refuse(json, "base64 bytes");
        try {
          return base64Decode(json);
        } catch {
          return refuse(json, "base64 bytes");
        }
      };
    }
    default:
      throw new Error(`${where}: the OTLP/JSON reader does not read scalar type ${scalar}`);
  }
}

/** proto3 JSON: a finite number, a numeric string, or "NaN" / "Infinity" / "-Infinity". */
function doubleOf(json: unknown): number | undefined {
  if (typeof json === "number") return Number.isFinite(json) ? json : undefined;
  if (typeof json !== "string") return undefined;
  if (json === "NaN") return NaN;
  if (json === "Infinity") return Infinity;
  if (json === "-Infinity") return -Infinity;
  if (json === "" || json.trim() !== json) return undefined;
  const value = Number(json);
  return Number.isFinite(value) ? value : undefined;
}

/** A number or a numeric string (no surrounding space) that is an integer within `range`. */
function int32Parser(range: { min: number; max: number }, refuse: (json: unknown) => never) {
  return (json: unknown): number => {
    const value = typeof json === "string" && json !== "" && json.trim() === json ? Number(json) : json;
    if (typeof value !== "number" || !Number.isInteger(value) || value < range.min || value > range.max) {
      return refuse(json);
    }
    return value;
  };
}

/** A number or a non-empty string that BigInt reads, within `range` (fromJson's rule, as it is). */
function int64Parser(range: { min: bigint; max: bigint }, refuse: (json: unknown) => never) {
  return (json: unknown): bigint => {
    if (typeof json !== "number" && (typeof json !== "string" || json === "")) return refuse(json);
    let value: bigint;
    try {
      value = BigInt(json);
    } catch {
      return refuse(json);
    }
    return value < range.min || value > range.max ? refuse(json) : value;
  };
}

/** An id: empty (unset), or exactly 2 × `bytes` hex digits. */
function hexIdParser(bytes: number, fieldName: string) {
  const camel = fieldName.replace(/_([a-z])/g, (_, letter: string) => letter.toUpperCase());
  return (json: unknown): Uint8Array => {
    if (json === "") return new Uint8Array(0);
    const id = typeof json === "string" && json.length === bytes * 2 ? fromHex(json) : null;
    if (id === null) {
      throw new JsonReadError(
        `${camel} must be ${bytes * 2} hex characters (OTLP/JSON ids are hex, not base64)`,
      );
    }
    return id;
  };
}

function isObject(json: unknown): json is Record<string, unknown> {
  return typeof json === "object" && json !== null && !Array.isArray(json);
}

function shown(json: unknown): string {
  if (typeof json === "string") return JSON.stringify(json.length > 40 ? `${json.slice(0, 40)}…` : json);
  if (Array.isArray(json)) return "an array";
  if (json === null) return "null";
  return typeof json === "object" ? "an object" : String(json);
}
