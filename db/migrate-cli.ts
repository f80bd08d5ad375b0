// `npm run db:migrate`: applies migrations to MIGRATION_DATABASE_URL (the owner role), e.g. a
// Neon branch. DB_WS_PROXY is only for a local Postgres behind the relay.
import { applyMigrations } from "./migrate.ts";

const url = process.env.MIGRATION_DATABASE_URL;
if (!url) {
  console.error("Set MIGRATION_DATABASE_URL to the owner role's connection string.");
  process.exit(1);
}
await applyMigrations(url, process.env.DB_WS_PROXY);
console.log("migrations applied");
