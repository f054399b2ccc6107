// Producing events onto a test topic (keyed by operation, as ingest does), in chunks.
import type { Kafka } from "kafkajs";
import { eventKey, type OptrailEvent } from "../../services/core/index.js";

export async function produceEvents(kafka: Kafka, topic: string, events: OptrailEvent[], chunk = 1000): Promise<void> {
  const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
  await producer.connect();
  try {
    for (let i = 0; i < events.length; i += chunk) {
      const messages = events.slice(i, i + chunk).map((e) => ({ key: eventKey(e), value: JSON.stringify(e) }));
      await producer.send({ topic, acks: -1, messages });
    }
  } finally {
    await producer.disconnect();
  }
}
