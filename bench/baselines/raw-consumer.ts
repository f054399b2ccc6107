// Limit: a raw kafkajs consumer group reading the same topic and doing nothing with the messages.
import type { Kafka } from "kafkajs";
import { caughtUp, endOffsets, withDeadline } from "../lib.js";

export interface KeptMessage {
  partition: number;
  offset: string;
  value: Buffer | null;
}

/** `keep` collects the messages (references only) for the raw upsert limit, which writes the same rows. */
export async function runRawConsumer(
  kafka: Kafka,
  topic: string,
  timeoutMs: number,
  keep?: KeptMessage[],
): Promise<{ events: number; seconds: number }> {
  const ends = await endOffsets(kafka, topic);
  const progress = caughtUp(ends);
  const consumer = kafka.consumer({ groupId: `bench-raw-${topic}`, maxBytesPerPartition: 4 * 1024 * 1024 });
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  let events = 0;
  await consumer.run({
    partitionsConsumedConcurrently: 4,
    eachBatch: async ({ batch }) => {
      events += batch.messages.length;
      if (keep) for (const m of batch.messages) keep.push({ partition: batch.partition, offset: m.offset, value: m.value });
      const last = batch.messages[batch.messages.length - 1];
      if (last) progress.advance(batch.partition, BigInt(last.offset) + 1n);
    },
  });
  const started = performance.now();
  try {
    await withDeadline(progress.done, timeoutMs, "raw consumer");
  } finally {
    await consumer.disconnect();
  }
  return { events, seconds: (performance.now() - started) / 1000 };
}
