// An authenticated tenant read for `npm run bench` (GET /api/tenants/:tid/members): the signed-in
// bench user (createBenchSession) creates a tenant through the real route, then, as the owner role,
// the tenant is put on the "pro" plan so that its per-tenant API limit (1,200/min) leaves room for
// a few seconds of load. Returns the members URL; send it with the same Cookie.
import { neonConfig } from "@neondatabase/serverless";
import { eq } from "drizzle-orm";
import { WebSocket } from "ws";
import { createDb, useLocalRelay } from "../../db/client.ts";
import { tenants } from "../../db/schema/index.ts";
import { withTenant } from "../../db/tenant-scope.ts";

export async function createBenchTenant(
  origin: string,
  cookie: string,
  database: { ownerUrl: string; relayAddress?: string },
): Promise<string> {
  const create = () =>
    fetch(`${origin}/api/tenants`, {
      method: "POST",
      // What a same-origin browser fetch sends (the CSRF check accepts it without an Origin header).
      headers: { Cookie: cookie, "Content-Type": "application/json", "Sec-Fetch-Site": "same-origin" },
      body: JSON.stringify({ name: "Bench" }),
    });
  let created = await create();
  // The load just before may have spent the user's API budget (a fast machine does): wait it out,
  // as the dashboard would.
  for (let attempt = 0; created.status === 429 && attempt < 10; attempt++) {
    await new Promise((resolve) =>
      setTimeout(resolve, Number(created.headers.get("Retry-After") ?? 1) * 1000),
    );
    created = await create();
  }
  if (created.status !== 201) throw new Error(`POST /api/tenants: ${created.status} ${await created.text()}`);
  const { id } = (await created.json()) as { id: string };
  neonConfig.webSocketConstructor = WebSocket;
  if (database.relayAddress) useLocalRelay(database.relayAddress);
  const { db, pool } = createDb(database.ownerUrl);
  try {
    await withTenant(db, id, (tx) => tx.update(tenants).set({ plan: "pro" }).where(eq(tenants.id, id)));
  } finally {
    await pool.end();
  }
  return `${origin}/api/tenants/${id}/members`;
}
