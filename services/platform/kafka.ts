// Kafka client construction and topic set-up (kafkajs).
import { Kafka, logLevel, type ITopicConfig, type LogEntry } from "kafkajs";
import type { Config } from "./config.js";
import { installKafkaRecordEncoder } from "./kafka-record.js";
import type { Logger } from "./logger.js";

// Before any client exists: kafkajs loads its record encoder on the first produce request (kafka-record.ts).
const recordEncoder = installKafkaRecordEncoder();

export type { Admin, Consumer, Kafka, Producer } from "kafkajs";

const LEVELS: Record<number, "error" | "warn" | "info" | "debug"> = {
  [logLevel.ERROR]: "error",
  [logLevel.WARN]: "warn",
  [logLevel.INFO]: "info",
  [logLevel.DEBUG]: "debug",
};

export function createKafka(config: Pick<Config, "KAFKA_BROKERS" | "KAFKA_CLIENT_ID">, logger: Logger, clientSuffix: string): Kafka {
  const log = logger.child({ component: "kafkajs" });
  if (!recordEncoder.installed) log.info({ reason: recordEncoder.reason }, "producing with kafkajs's own record encoder");
  return new Kafka({
    clientId: `${config.KAFKA_CLIENT_ID}-${clientSuffix}`,
    brokers: config.KAFKA_BROKERS,
    connectionTimeout: 3000,
    requestTimeout: 10_000,
    retry: { initialRetryTime: 200, retries: 8, maxRetryTime: 5000 },
    logLevel: logLevel.WARN,
    logCreator:
      () =>
      ({ level, log: entry }: LogEntry) => {
        const { message, ...rest } = entry;
        log[LEVELS[level] ?? "info"](rest, message);
      },
  });
}

/** Creates the topics if missing (idempotent). */
export async function ensureTopics(
  kafka: Kafka,
  config: Pick<Config, "KAFKA_TOPIC" | "KAFKA_DEAD_LETTER_TOPIC" | "KAFKA_TOPIC_PARTITIONS" | "KAFKA_REPLICATION_FACTOR">,
  extra: string[] = [],
): Promise<void> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const existing = new Set(await admin.listTopics());
    const wanted: ITopicConfig[] = [config.KAFKA_TOPIC, config.KAFKA_DEAD_LETTER_TOPIC, ...extra]
      .filter((t) => !existing.has(t))
      .map((topic) => ({
        topic,
        numPartitions: config.KAFKA_TOPIC_PARTITIONS,
        replicationFactor: config.KAFKA_REPLICATION_FACTOR,
      }));
    if (wanted.length > 0) await admin.createTopics({ topics: wanted, waitForLeaders: true });
  } finally {
    await admin.disconnect();
  }
}
