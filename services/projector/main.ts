// Composition root of the projector: Kafka consumer group → fold → Postgres.
import { loadConfig, type Config } from "../platform/config.js";
import { createDb, pingDb } from "../platform/db.js";
import { listen } from "../platform/http.js";
import { createKafka, ensureTopics } from "../platform/kafka.js";
import { onShutdown, type Closer } from "../platform/lifecycle.js";
import { createLogger, type Logger } from "../platform/logger.js";
import { createRegistry } from "../platform/metrics.js";
import { createBaseApp, finishApp } from "../platform/http.js";
import { createAlertDispatcher } from "./alert-dispatcher.js";
import { createProjector } from "./consumer.js";
import { createLagWatch } from "./lag.js";

export interface StartedProjector {
  closers: Closer[];
  url?: string;
}

export async function startProjector(config: Config, logger: Logger, options: { metricsPort?: number } = {}): Promise<StartedProjector> {
  const registry = createRegistry("projector");
  const kafka = createKafka(config, logger, "projector");
  const db = createDb(config);
  await ensureTopics(kafka, config);
  const projector = createProjector({
    kafka,
    db,
    logger,
    registry,
    topic: config.KAFKA_TOPIC,
    groupId: config.PROJECTOR_GROUP_ID,
    projection: config.PROJECTION_NAME,
    alertRules: { failedTypes: config.ALERT_FAILED_TYPES },
    sessionTimeoutMs: config.PROJECTOR_SESSION_TIMEOUT_MS,
    stateCacheSize: config.PROJECTOR_STATE_CACHE_SIZE,
    partitionConcurrency: config.PROJECTOR_PARTITION_CONCURRENCY,
  });
  await projector.start();
  const dispatcher = createAlertDispatcher({ db, kafka, logger, registry, config });
  await dispatcher.start();
  const lag = createLagWatch({
    kafka,
    db,
    logger,
    registry,
    projection: config.PROJECTION_NAME,
    topic: config.KAFKA_TOPIC,
    intervalMs: config.PROJECTOR_LAG_INTERVAL_MS,
    maxLagEvents: config.PROJECTOR_MAX_LAG_EVENTS,
    maxLagSeconds: config.PROJECTOR_MAX_LAG_SECONDS,
  });
  await lag.start();
  const closers: Closer[] = [
    { name: "projector-lag", close: () => lag.stop() },
    { name: "projector-consumer", close: () => projector.stop() },
    { name: "alert-dispatcher", close: () => dispatcher.stop() },
    { name: "projector-db", close: () => db.$disconnect() },
  ];
  if (options.metricsPort === undefined) return { closers };
  const app = finishApp(
    createBaseApp({
      logger,
      registry,
      readiness: [
        { name: "database", check: () => pingDb(db) },
        { name: "consumer", check: () => Promise.resolve({ ok: projector.isRunning() }) },
        lag.readiness,
      ],
    }),
  );
  const server = await listen(app, options.metricsPort, config.HOST);
  return { closers: [{ name: "projector-http", close: server.close }, ...closers], url: server.url };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const config = loadConfig();
  const logger = createLogger({ level: config.LOG_LEVEL, name: "projector" });
  const { closers } = await startProjector(config, logger, { metricsPort: config.PROJECTOR_PORT });
  onShutdown(logger, config.SHUTDOWN_TIMEOUT_MS, closers);
}
