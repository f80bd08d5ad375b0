// Column types shared by every schema file.
import { customType, timestamp } from "drizzle-orm/pg-core";

/** Raw bytes (hashes, keys, ciphertexts), as Uint8Array both ways. */
export const bytea = customType<{ data: Uint8Array<ArrayBuffer>; driverData: Uint8Array }>({
  dataType: () => "bytea",
  fromDriver: (value) => new Uint8Array(value),
});

/** A point in time: timestamptz, read as a Date. */
export const at = (name: string) => timestamp(name, { withTimezone: true, mode: "date" });
