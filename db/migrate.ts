// Applies the committed migrations in migrations/ as the owner role, through the same Neon driver
// the Worker uses (against Neon directly, or against local Postgres through the relay).
import { fileURLToPath } from "node:url";
import { neonConfig } from "@neondatabase/serverless";
import { migrate } from "drizzle-orm/neon-serverless/migrator";
import { WebSocket } from "ws";
import { createDb, useLocalRelay } from "./client.ts";

const migrationsFolder = fileURLToPath(new URL("../migrations", import.meta.url));

export async function applyMigrations(ownerUrl: string, relay?: string): Promise<void> {
  neonConfig.webSocketConstructor = WebSocket;
  if (relay) useLocalRelay(relay);
  const { db, pool } = createDb(ownerUrl);
  try {
    await migrate(db, { migrationsFolder });
  } finally {
    await pool.end();
  }
}
