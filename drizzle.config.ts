import { defineConfig } from "drizzle-kit";

// Only `generate` is used (migrations are committed and reviewed); they are applied by
// db/migrate.ts through the same driver the Worker uses. Never `push`.
export default defineConfig({
  dialect: "postgresql",
  schema: "./db/schema/index.ts",
  out: "./migrations",
});
