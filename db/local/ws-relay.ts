// A loopback-only WebSocket → TCP relay, so that @neondatabase/serverless (which speaks the
// Postgres protocol over a WebSocket, as it does to Neon in production) can reach a local
// Postgres in dev and tests. It binds to 127.0.0.1 and refuses every target that is not loopback,
// so it can never be used to reach anything but this machine.
// For `npm run bench` it can also put the database at a distance: with a delay of D ms, every chunk
// is held D/2 ms in each direction (order kept), so each round trip to Postgres costs D ms more,
// the way it does from an edge location to a Neon region.
import { createConnection } from "node:net";
import { WebSocketServer, type WebSocket } from "ws";

const LOOPBACK_HOSTS = new Set(["127.0.0.1", "localhost", "::1"]);

/**
 * What clients sent so far, by the `application_name` of their connection ("" for none): messages
 * (one per protocol round trip the driver starts) and connections (each one's startup message is
 * one extra message). The name tells the Worker's request connections from the queue consumer's.
 */
export type RelayTraffic = Record<string, { messages: number; connections: number }>;

export type Relay = {
  port: number;
  traffic(): RelayTraffic;
  /** Round-trip time to add between the relay and Postgres from now on (0: none). */
  setDelay(ms: number): void;
  close(): Promise<void>;
};

/** Parses `?address=host:port` and returns the target only when it is a loopback address. */
export function parseRelayTarget(url: string): { host: string; port: number } | null {
  const address = new URL(url, "ws://relay").searchParams.get("address");
  const match = address?.match(/^\[?([^\]]+?)\]?:(\d{1,5})$/);
  if (!match) return null;
  const [, host, portText] = match;
  const port = Number(portText);
  if (!LOOPBACK_HOSTS.has(host) || port < 1 || port > 65535) return null;
  return { host, port };
}

/** The application_name of a Postgres startup message (protocol 3.0), or null for anything else. */
function applicationNameOf(message: Buffer): string | null {
  if (message.length < 8 || message.readInt32BE(4) !== 196608) return null;
  const fields = message.subarray(8, message.readInt32BE(0)).toString("utf8").split("\0");
  const index = fields.findIndex((field, i) => i % 2 === 0 && field === "application_name");
  return index >= 0 ? (fields[index + 1] ?? "") : "";
}

function bridge(
  socket: WebSocket,
  target: { host: string; port: number },
  onMessage: (applicationName: string, first: boolean) => void,
  delayMs: () => number,
): void {
  // Timers of equal duration fire in the order they were set, so a constant delay keeps order.
  const later = (send: () => void) => (delayMs() > 0 ? setTimeout(send, delayMs() / 2) : send());
  const tcp = createConnection(target);
  const pending: Buffer[] = [];
  let connected = false;
  tcp.on("connect", () => {
    connected = true;
    for (const chunk of pending.splice(0)) tcp.write(chunk);
  });
  tcp.on("data", (chunk) => later(() => socket.send(chunk)));
  tcp.on("close", () => socket.close());
  tcp.on("error", () => socket.terminate());
  let applicationName: string | undefined;
  socket.on("message", (data: Buffer) => {
    const first = applicationName === undefined;
    applicationName ??= applicationNameOf(data) ?? "";
    onMessage(applicationName, first);
    later(() => {
      if (connected) tcp.write(data);
      else pending.push(data);
    });
  });
  socket.on("close", () => tcp.destroy());
  socket.on("error", () => tcp.destroy());
}

export async function startRelay(port = 0): Promise<Relay> {
  const server = new WebSocketServer({ host: "127.0.0.1", port });
  await new Promise<void>((resolve, reject) => {
    server.once("listening", resolve);
    server.once("error", reject);
  });
  const traffic: RelayTraffic = {};
  let delayMs = 0;
  server.on("connection", (socket, request) => {
    const target = parseRelayTarget(request.url ?? "");
    if (!target) return socket.close(1008, "target must be a loopback address");
    bridge(
      socket,
      target,
      (name, first) => {
        const counts = (traffic[name] ??= { messages: 0, connections: 0 });
        counts.messages++;
        if (first) counts.connections++;
      },
      () => delayMs,
    );
  });
  const address = server.address();
  if (!address || typeof address === "string") throw new Error("relay is not listening on a port");
  return {
    port: address.port,
    traffic: () => structuredClone(traffic),
    setDelay: (ms) => (delayMs = ms),
    close: () =>
      new Promise((resolve) => {
        for (const client of server.clients) client.terminate();
        server.close(() => resolve());
      }),
  };
}
