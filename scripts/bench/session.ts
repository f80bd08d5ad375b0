// A signed-in session for `npm run bench` (GET /api/me with a valid cookie): a throwaway user and
// a session created as the owner role with the Worker's own session code, so the token is hashed
// exactly as the Worker expects. Returns the Cookie header value.
import { neonConfig } from "@neondatabase/serverless";
import { WebSocket } from "ws";
import { createDb, useLocalRelay } from "../../db/client.ts";
import { users } from "../../db/schema/index.ts";
import { createSession } from "../../worker/src/auth/sessions.ts";
import { generateWebauthnUserId } from "../../worker/src/auth/users.ts";

export async function createBenchSession(ownerUrl: string, relayAddress?: string): Promise<string> {
  neonConfig.webSocketConstructor = WebSocket;
  if (relayAddress) useLocalRelay(relayAddress);
  const { db, pool } = createDb(ownerUrl);
  try {
    const [user] = await db
      .insert(users)
      .values({
        email: `bench-${crypto.randomUUID()}@example.com`,
        name: "Bench",
        webauthnUserId: generateWebauthnUserId(),
      })
      .returning({ id: users.id });
    const { token } = await createSession(db, {
      userId: user.id,
      method: "passkey",
      userAgent: "bench",
      now: new Date(),
    });
    return `__Host-sightline_session=${token}`;
  } finally {
    await pool.end();
  }
}
