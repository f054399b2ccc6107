// Composition root of the read API.
import type { Kafka } from "kafkajs";
import { loadConfig, type Config } from "../platform/config.js";
import { createDb, pingDb } from "../platform/db.js";
import { listen } from "../platform/http.js";
import { createKafka } from "../platform/kafka.js";
import { onShutdown, type Closer } from "../platform/lifecycle.js";
import { createLogger, type Logger } from "../platform/logger.js";
import { createRegistry } from "../platform/metrics.js";
import { createApiApp } from "./app.js";

async function kafkaReachable(kafka: Kafka): Promise<{ ok: boolean }> {
  const admin = kafka.admin();
  try {
    await admin.connect();
    await admin.listTopics();
    return { ok: true };
  } finally {
    await admin.disconnect().catch(() => undefined);
  }
}

export async function startApi(config: Config, logger: Logger): Promise<{ url: string; closers: Closer[] }> {
  const registry = createRegistry("api");
  const db = createDb(config);
  const kafka = createKafka(config, logger, "api");
  const app = createApiApp({
    db,
    logger,
    registry,
    projection: { kafka, topic: config.KAFKA_TOPIC, name: config.PROJECTION_NAME },
    readiness: [
      { name: "database", check: () => pingDb(db) },
      { name: "kafka", check: () => kafkaReachable(kafka) },
    ],
  });
  const server = await listen(app, config.API_PORT, config.HOST);
  logger.info({ url: server.url }, "api listening");
  return {
    url: server.url,
    closers: [
      { name: "api-http", close: server.close },
      { name: "api-db", close: () => db.$disconnect() },
    ],
  };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const config = loadConfig();
  const logger = createLogger({ level: config.LOG_LEVEL, name: "api" });
  const { closers } = await startApi(config, logger);
  onShutdown(logger, config.SHUTDOWN_TIMEOUT_MS, closers);
}
