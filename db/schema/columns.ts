// Column types shared by every schema file.
import { customType, timestamp } from "drizzle-orm/pg-core";

/** Raw bytes (hashes, keys, ciphertexts), as Uint8Array both ways. */
export const bytea = customType<{ data: Uint8Array<ArrayBuffer>; driverData: Uint8Array }>({
  dataType: () => "bytea",
  fromDriver: (value) => new Uint8Array(value),
});

/**
 * A trace or span id: stored as its bytes (16 / 8, half the size of its hex text, in the row and
 * in every index over it), read and written as lower-case hex, as the OTLP JSON and the API show it.
 */
export const hexId = customType<{ data: string; driverData: Uint8Array }>({
  dataType: () => "bytea",
  toDriver: (value) => Uint8Array.from(value.match(/../g) ?? [], (byte) => parseInt(byte, 16)),
  fromDriver: (value) =>
    Array.from(new Uint8Array(value), (byte) => byte.toString(16).padStart(2, "0")).join(""),
});

/** A point in time: timestamptz, read as a Date. */
export const at = (name: string) => timestamp(name, { withTimezone: true, mode: "date" });
