// Appends events to Kafka. A send resolves only once every message is acknowledged by all in-sync
// replicas (acks = -1); it rejects after a deadline so the webhook can answer 503 in time.
import type { Kafka, Producer } from "kafkajs";
import { CompressionTypes } from "kafkajs";
import { eventKey, type OptrailEvent } from "../core/index.js";
import { withTimeout } from "../platform/http.js";
import type { Logger } from "../platform/logger.js";
import { keyPartitioner } from "./partitioner.js";

export interface DeadLetter {
  requestId: string;
  receivedAt: string;
  reason: string;
  issues: { path: string; message: string }[];
  /** The offending item, secrets redacted. */
  item: unknown;
}

export interface Publisher {
  publish(events: OptrailEvent[], deadLetters?: DeadLetter[]): Promise<void>;
  /** Connected and the last publish succeeded. */
  isConnected(): boolean;
  close(): Promise<void>;
}

export interface KafkaPublisherOptions {
  kafka: Kafka;
  topic: string;
  deadLetterTopic: string;
  timeoutMs: number;
  logger: Logger;
}

export function createKafkaPublisher(options: KafkaPublisherOptions): Publisher {
  const { kafka, topic, deadLetterTopic, timeoutMs, logger } = options;
  let producer: Producer | undefined;
  let connecting: Promise<Producer> | undefined;
  let connected = false;
  let healthy = true;

  const connect = (): Promise<Producer> => {
    if (producer && connected) return Promise.resolve(producer);
    connecting ??= (async () => {
      const p = kafka.producer({
        idempotent: true,
        maxInFlightRequests: 1,
        allowAutoTopicCreation: false,
        createPartitioner: keyPartitioner,
        retry: { retries: 3, initialRetryTime: 100, maxRetryTime: 1000 },
      });
      p.on(p.events.DISCONNECT, () => {
        connected = false;
      });
      try {
        await p.connect();
        connected = true;
        producer = p;
        return p;
      } catch (err) {
        await p.disconnect().catch(() => undefined);
        throw err;
      } finally {
        connecting = undefined;
      }
    })();
    return connecting;
  };

  return {
    async publish(events, deadLetters = []) {
      const send = async () => {
        const p = await connect();
        const topicMessages = [];
        if (events.length > 0) {
          topicMessages.push({
            topic,
            messages: events.map((e) => ({
              key: eventKey(e),
              value: JSON.stringify(e),
              headers: { "event-type": e.type, "event-id": e.meta.eventId, "content-type": "application/json" },
            })),
          });
        }
        if (deadLetters.length > 0) {
          topicMessages.push({
            topic: deadLetterTopic,
            messages: deadLetters.map((d) => ({ key: d.requestId, value: JSON.stringify(d), headers: { reason: d.reason.slice(0, 200) } })),
          });
        }
        if (topicMessages.length === 0) return;
        await p.sendBatch({ acks: -1, timeout: timeoutMs, compression: CompressionTypes.None, topicMessages });
      };
      try {
        await withTimeout(send(), timeoutMs, "kafka publish");
        healthy = true;
      } catch (err) {
        // kafkajs keeps the producer and reconnects on the next send once the broker is back; until
        // a send succeeds again, readiness asks the broker itself instead of trusting the producer.
        healthy = false;
        logger.warn({ err: err instanceof Error ? err.message : String(err) }, "publish failed");
        throw err;
      }
    },
    isConnected: () => connected && healthy,
    async close() {
      await producer?.disconnect();
      connected = false;
    },
  };
}
