// An in-process ingest app on port 0 with the real Kafka publisher, for webhook integration tests.
import { Writable } from "node:stream";
import { createIngestApp } from "../../services/ingest/app.js";
import { unauthenticated, type Authenticator } from "../../services/ingest/auth.js";
import { createKafkaPublisher, type Publisher } from "../../services/ingest/publisher.js";
import { listen, type RunningServer } from "../../services/platform/http.js";
import { createKafka, ensureTopics } from "../../services/platform/kafka.js";
import { createLogger, type Logger } from "../../services/platform/logger.js";
import { createRegistry, type Registry } from "../../services/platform/metrics.js";
import { testConfig, uniqueTopic } from "./env.js";

/** A logger whose output (JSON lines) the test can read. */
export function capturingLogger(level = "info"): { logger: Logger; lines: () => string[]; text: () => string } {
  const chunks: string[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _enc, done) {
      chunks.push(chunk.toString());
      done();
    },
  });
  const logger = createLogger({ level, name: "ingest-test", destination });
  const text = () => chunks.join("");
  return { logger, text, lines: () => text().split("\n").filter(Boolean) };
}

export interface TestIngest {
  url: string;
  topic: string;
  dlq: string;
  registry: Registry;
  publisher: Publisher;
  server: RunningServer;
  close(): Promise<void>;
}

export async function startTestIngest(
  options: {
    authenticator?: Authenticator;
    logger?: Logger;
    topic?: string;
    brokers?: string;
    bodyLimit?: string;
    publishTimeoutMs?: number;
    createTopics?: boolean;
  } = {},
): Promise<TestIngest> {
  const topic = options.topic ?? uniqueTopic("ingest");
  const dlq = `${topic}.dlq`;
  const config = testConfig({
    KAFKA_TOPIC: topic,
    KAFKA_DEAD_LETTER_TOPIC: dlq,
    KAFKA_TOPIC_PARTITIONS: "3",
    ...(options.brokers ? { KAFKA_BROKERS: options.brokers } : {}),
  });
  const logger = options.logger ?? createLogger({ level: "silent", name: "test" });
  const kafka = createKafka(config, logger, "test");
  if (options.createTopics !== false) await ensureTopics(kafka, config);
  const publisher = createKafkaPublisher({
    kafka,
    topic,
    deadLetterTopic: dlq,
    timeoutMs: options.publishTimeoutMs ?? 2500,
    logger,
  });
  const registry = createRegistry("ingest", false);
  const app = createIngestApp({
    logger,
    registry,
    publisher,
    authenticator: options.authenticator ?? unauthenticated,
    bodyLimit: options.bodyLimit ?? "1mb",
    readiness: [],
  });
  const server = await listen(app, 0, "127.0.0.1");
  return {
    url: server.url,
    topic,
    dlq,
    registry,
    publisher,
    server,
    async close() {
      await server.close();
      await publisher.close().catch(() => undefined);
    },
  };
}
