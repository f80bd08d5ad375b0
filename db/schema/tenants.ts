import { boolean, pgTable, text, timestamp, uuid } from "drizzle-orm/pg-core";

/** An organization. Row-level security scopes it to `app.tenant_id` (see migrations). */
export const tenants = pgTable("tenants", {
  id: uuid("id").primaryKey().defaultRandom(),
  name: text("name").notNull(),
  plan: text("plan", { enum: ["free", "pro"] })
    .notNull()
    .default("free"),
  createdAt: timestamp("created_at", { withTimezone: true, mode: "date" }).notNull().defaultNow(),
  /**
   * Whether browser log records (frontend tokens) keep their body and severity text. Off unless
   * an owner turns it on: free text from a page can carry anything a visitor typed.
   */
  browserLogText: boolean("browser_log_text").notNull().default(false),
});
