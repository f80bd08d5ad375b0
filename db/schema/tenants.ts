import { pgTable, text, timestamp, uuid } from "drizzle-orm/pg-core";

/** An organization. Row-level security scopes it to `app.tenant_id` (see migrations). */
export const tenants = pgTable("tenants", {
  id: uuid("id").primaryKey().defaultRandom(),
  name: text("name").notNull(),
  plan: text("plan", { enum: ["free", "pro"] })
    .notNull()
    .default("free"),
  createdAt: timestamp("created_at", { withTimezone: true, mode: "date" }).notNull().defaultNow(),
});
