// The whole schema, one file per domain. drizzle-kit reads this file to generate migrations.
export * from "./tenants.ts";
export * from "./accounts.ts";
export * from "./tenancy.ts";
export * from "./telemetry.ts";
export * from "./privacy.ts";
export * from "./email.ts";
export * from "./consent.ts";
export * from "./tenant-limits.ts";
export * from "./rum.ts";
