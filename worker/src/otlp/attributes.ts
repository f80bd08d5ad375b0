// OTLP attributes (KeyValue lists of AnyValue) as plain JSON for jsonb columns.
import type { AnyValue, KeyValue } from "./generated/otlp_pb.ts";

export type AttributeValue =
  string | number | boolean | null | AttributeValue[] | { [key: string]: AttributeValue };
export type Attributes = Record<string, AttributeValue>;

export function attributesOf(list: readonly KeyValue[]): Attributes {
  const attributes: Attributes = {};
  for (const { key, value } of list) attributes[key] = valueOf(value);
  return attributes;
}

/** int64 beyond 2^53 stays exact as a string; bytes become base64 (the OTLP JSON form). */
export function valueOf(value: AnyValue | undefined): AttributeValue {
  const inner = value?.value;
  switch (inner?.case) {
    case "stringValue":
    case "boolValue":
    case "doubleValue":
      return inner.value;
    case "intValue":
      return safeNumber(inner.value);
    case "arrayValue":
      return inner.value.values.map(valueOf);
    case "kvlistValue":
      return attributesOf(inner.value.values);
    case "bytesValue":
      return btoa(String.fromCharCode(...inner.value));
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
