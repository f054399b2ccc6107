// Composition root of ingest: builds clients from config and serves the webhook.
import { loadConfig, type Config } from "../platform/config.js";
import { listen } from "../platform/http.js";
import { createKafka, ensureTopics } from "../platform/kafka.js";
import { onShutdown, type Closer } from "../platform/lifecycle.js";
import { createLogger, type Logger } from "../platform/logger.js";
import { createRegistry } from "../platform/metrics.js";
import { createIngestApp } from "./app.js";
import { authenticatorFromConfig } from "./auth.js";
import { createKafkaPublisher } from "./publisher.js";
import { withBatching } from "./batching-publisher.js";

export async function startIngest(config: Config, logger: Logger): Promise<{ url: string; closers: Closer[] }> {
  const { authenticator, unprotected } = authenticatorFromConfig(config); // throws in production without credentials
  if (unprotected.length > 0) {
    const open = config.NODE_ENV !== "production";
    logger.warn(
      { unprotected },
      open
        ? "!!! NO CREDENTIALS for some webhook doors: accepting their requests UNAUTHENTICATED (events marked authenticated: false). Development only: set them before going live."
        : "some webhook doors have no credentials configured: their requests are refused",
    );
  }
  const registry = createRegistry("ingest");
  const kafka = createKafka(config, logger, "ingest");
  await ensureTopics(kafka, config).catch((err: unknown) => logger.warn({ err }, "could not ensure topics; will retry on publish"));
  const direct = createKafkaPublisher({
    kafka,
    topic: config.KAFKA_TOPIC,
    deadLetterTopic: config.KAFKA_DEAD_LETTER_TOPIC,
    timeoutMs: config.INGEST_PUBLISH_TIMEOUT_MS,
    logger,
  });
  const publisher = withBatching(direct, config); // micro-batches concurrent requests (INGEST_BATCH_*)
  const app = createIngestApp({
    logger,
    registry,
    publisher,
    authenticator,
    bodyLimit: config.INGEST_BODY_LIMIT,
    readiness: [{ name: "kafka", check: async () => ({ ok: publisher.isConnected() || (await probeKafka(kafka)) }) }],
  });
  const server = await listen(app, config.INGEST_PORT, config.HOST);
  logger.info({ url: server.url }, "ingest listening");
  return {
    url: server.url,
    closers: [
      { name: "ingest-http", close: server.close },
      { name: "ingest-producer", close: () => publisher.close() },
    ],
  };
}

async function probeKafka(kafka: ReturnType<typeof createKafka>): Promise<boolean> {
  const admin = kafka.admin();
  try {
    await admin.connect();
    await admin.listTopics();
    return true;
  } finally {
    await admin.disconnect().catch(() => undefined);
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const config = loadConfig();
  const logger = createLogger({ level: config.LOG_LEVEL, name: "ingest" });
  const { closers } = await startIngest(config, logger);
  onShutdown(logger, config.SHUTDOWN_TIMEOUT_MS, closers);
}
