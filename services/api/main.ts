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
import { Streams } from "./stream-routes.js";

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
  if (config.NODE_ENV === "production" && config.API_TOKENS.length === 0) {
    throw new Error("the api refuses to start in production without API_TOKENS (see README, Configuration)");
  }
  if (config.API_TOKENS.length === 0) logger.warn("API_TOKENS is empty: the read API answers without a token (development only)");
  const registry = createRegistry("api");
  const streams = new Streams();
  const db = createDb(config);
  const kafka = createKafka(config, logger, "api");
  const app = createApiApp({
    db,
    logger,
    registry,
    tokens: config.API_TOKENS,
    streams,
    stream: { pollIntervalMs: config.STREAM_POLL_INTERVAL_MS, keepAliveMs: config.STREAM_KEEPALIVE_MS },
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
      { name: "api-streams", close: () => streams.closeAll() },
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
