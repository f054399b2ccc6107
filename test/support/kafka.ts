// Kafka helpers for integration tests (the real broker named by KAFKA_BROKERS).
import { randomUUID } from "node:crypto";
import { Kafka, logLevel } from "kafkajs";
import type { Config } from "../../services/platform/config.js";

export function testKafka(config: Config, clientId = "optrail-test"): Kafka {
  return new Kafka({ clientId, brokers: config.KAFKA_BROKERS, logLevel: logLevel.NOTHING, retry: { retries: 5, initialRetryTime: 100 } });
}

export interface ReadMessage {
  key: string | null;
  value: string;
  partition: number;
  offset: string;
  headers: Record<string, string>;
}

/** Reads every message currently on a topic (all partitions, from the start). */
export async function readAll(kafka: Kafka, topic: string, timeoutMs = 15_000): Promise<ReadMessage[]> {
  const admin = kafka.admin();
  await admin.connect();
  let offsets;
  try {
    offsets = await admin.fetchTopicOffsets(topic);
  } finally {
    await admin.disconnect(); // a leaked connection would keep the test process alive until the broker drops it
  }
  const remaining = new Map(offsets.filter((p) => BigInt(p.high) > BigInt(p.low)).map((p) => [p.partition, BigInt(p.high)]));
  const out: ReadMessage[] = [];
  if (remaining.size === 0) return out;
  const consumer = kafka.consumer({ groupId: `reader-${randomUUID()}` });
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  try {
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`readAll(${topic}) timed out`)), timeoutMs);
      consumer
        .run({
          eachMessage: async ({ partition, message }) => {
            const headers = Object.fromEntries(Object.entries(message.headers ?? {}).map(([k, v]) => [k, v?.toString() ?? ""]));
            out.push({
              key: message.key?.toString() ?? null,
              value: message.value?.toString() ?? "",
              partition,
              offset: message.offset,
              headers,
            });
            const end = remaining.get(partition);
            if (end !== undefined && BigInt(message.offset) + 1n >= end) remaining.delete(partition);
            if (remaining.size === 0) {
              clearTimeout(timer);
              resolve();
            }
          },
        })
        .catch(reject);
    });
  } finally {
    await consumer.disconnect();
  }
  return out.sort((a, b) => a.partition - b.partition || Number(BigInt(a.offset) - BigInt(b.offset)));
}
