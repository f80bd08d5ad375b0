// OTLP attributes (KeyValue lists of AnyValue) as plain JSON for jsonb columns.
import { base64 } from "../byte-encoding.ts";
import type { AnyValue, KeyValue } from "./generated/otlp_pb.ts";

export type AttributeValue =
  string | number | boolean | null | AttributeValue[] | { [key: string]: AttributeValue };
export type Attributes = Record<string, AttributeValue>;

/**
 * Nested arrays and maps deeper than this are kept as a marker: nesting is unbounded on the wire,
 * and a very deep value would exhaust the stack of whoever serialises or parses it (the jsonb
 * parser included), failing the whole batch.
 */
const MAX_DEPTH = 8;
export const TOO_DEEP = "[nested too deep]";

export function attributesOf(list: readonly KeyValue[], depth = 0): Attributes {
  const attributes: Attributes = {};
  for (const { key, value } of list) attributes[key] = valueOf(value, depth);
  return attributes;
}

/** int64 beyond 2^53 stays exact as a string; bytes become base64 (the OTLP JSON form). */
export function valueOf(value: AnyValue | undefined, depth = 0): AttributeValue {
  const inner = value?.value;
  if ((inner?.case === "arrayValue" || inner?.case === "kvlistValue") && depth >= MAX_DEPTH) return TOO_DEEP;
  switch (inner?.case) {
    case "stringValue":
    case "boolValue":
    case "doubleValue":
      return inner.value;
    case "intValue":
      return safeNumber(inner.value);
    case "arrayValue":
      return inner.value.values.map((item) => valueOf(item, depth + 1));
    case "kvlistValue":
      return attributesOf(inner.value.values, depth + 1);
    case "bytesValue":
      return base64(inner.value);
    default:
      return null;
  }
}

export function safeNumber(value: bigint): number | string {
  return value >= BigInt(Number.MIN_SAFE_INTEGER) && value <= BigInt(Number.MAX_SAFE_INTEGER)
    ? Number(value)
    : value.toString();
}

/** The resource's service.name, or the spec's default for a resource without one. */
export function serviceNameOf(resource: Attributes): string {
  const name = resource["service.name"];
  return typeof name === "string" && name !== "" ? name : "unknown_service";
}
