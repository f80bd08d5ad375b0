// Round trips to Postgres as the local relay counts them (db/local/ws-relay.ts), for the benches.
import { CONNECTION_NAMES } from "../../db/client.ts";
import type { EmbeddedDatabase } from "../../db/local/server.ts";

/**
 * Round trips counted at the relay: every message a client sends waits for an answer, except a
 * connection's startup message, which the pipelined connect sends together with the next one.
 * What a request waits for counts: its own connection's and its token lookup's (on the lookup
 * object's warm connection); the queue consumer writes ingested rows later, on connections of its
 * own (db/client.ts, CONNECTION_NAMES).
 */
export async function countedRoundTrips(
  database: EmbeddedDatabase,
  runs: number,
  run: () => Promise<void>,
): Promise<number> {
  const before = await requestTraffic(database);
  for (let i = 0; i < runs; i++) await run();
  const after = await requestTraffic(database);
  return (after.messages - before.messages - (after.connections - before.connections)) / runs;
}

async function requestTraffic(database: EmbeddedDatabase) {
  const traffic = await database.relayedTraffic();
  const total = { messages: 0, connections: 0 };
  for (const name of [CONNECTION_NAMES.api, CONNECTION_NAMES.tokenLookup]) {
    total.messages += traffic[name]?.messages ?? 0;
    total.connections += traffic[name]?.connections ?? 0;
  }
  return total;
}
