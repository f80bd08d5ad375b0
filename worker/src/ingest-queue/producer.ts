// The request side of buffered ingest: a validated batch becomes queue messages, sent before the
// route answers 200 (a message the queue accepted is durable: OTLP's "accepted" holds). sendBatch
// takes at most 100 messages and 256 KB per call. If a later call fails after an earlier one was
// accepted the exporter retries the whole request and the consumer's unique keys drop the repeats.
import type { Signal } from "../otlp/decode.ts";
import { messagesOf, payloadBytesOf, type IngestMessage } from "./message.ts";

const MAX_MESSAGES_PER_SEND = 100;
const MAX_BYTES_PER_SEND = 256_000;
/** The envelope (tenant id, signal, counts, v8 serialisation) and the platform's metadata. */
const MESSAGE_OVERHEAD_BYTES = 512;

/** Queues one tenant's rows of one signal; answers how many messages it took. */
export async function enqueueRows(
  queue: Queue,
  tenantId: string,
  signal: Signal,
  rows: readonly object[],
): Promise<number> {
  const messages = messagesOf(tenantId, signal, rows);
  for (const group of sendGroups(messages)) {
    await queue.sendBatch(group.map((body) => ({ body })));
  }
  return messages.length;
}

function sendGroups(messages: IngestMessage[]): IngestMessage[][] {
  const groups: IngestMessage[][] = [];
  let group: IngestMessage[] = [];
  let bytes = 0;
  for (const message of messages) {
    const size = payloadBytesOf(message) + MESSAGE_OVERHEAD_BYTES;
    if (group.length > 0 && (bytes + size > MAX_BYTES_PER_SEND || group.length === MAX_MESSAGES_PER_SEND)) {
      groups.push(group);
      group = [];
      bytes = 0;
    }
    group.push(message);
    bytes += size;
  }
  if (group.length > 0) groups.push(group);
  return groups;
}
