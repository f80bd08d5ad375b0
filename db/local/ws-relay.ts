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

export type Relay = {
  port: number;
  /** Messages received from clients so far: one per protocol round trip the driver starts. */
  clientMessages(): number;
  /** WebSocket connections opened so far (each one's startup message is one extra message). */
  connections(): number;
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

function bridge(
  socket: WebSocket,
  target: { host: string; port: number },
  onMessage: () => void,
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
  socket.on("message", (data: Buffer) => {
    onMessage();
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
  let clientMessages = 0;
  let connections = 0;
  let delayMs = 0;
  server.on("connection", (socket, request) => {
    const target = parseRelayTarget(request.url ?? "");
    if (!target) return socket.close(1008, "target must be a loopback address");
    connections++;
    bridge(
      socket,
      target,
      () => clientMessages++,
      () => delayMs,
    );
  });
  const address = server.address();
  if (!address || typeof address === "string") throw new Error("relay is not listening on a port");
  return {
    port: address.port,
    clientMessages: () => clientMessages,
    connections: () => connections,
    setDelay: (ms) => (delayMs = ms),
    close: () =>
      new Promise((resolve) => {
        for (const client of server.clients) client.terminate();
        server.close(() => resolve());
      }),
  };
}
