// Configuration: every setting comes from an environment variable, validated once at start.
// Defaults work on a developer machine with the local services script (see README, Configuration).
import { z } from "zod";

const port = z.coerce.number().int().min(0).max(65535);
const bool = z.enum(["true", "false", "1", "0"]).transform((v) => v === "true" || v === "1");
const list = z.string().transform((v) =>
  v
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean),
);

export const configSchema = z.object({
  NODE_ENV: z.enum(["development", "test", "production"]).default("development"),
  LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
  HOST: z.string().default("127.0.0.1"),
  API_PORT: port.default(3000),
  INGEST_PORT: port.default(3001),
  PROJECTOR_PORT: port.default(3002),
  DATABASE_URL: z.url().default("postgresql://postgres@127.0.0.1:5432/optrail"),
  DATABASE_POOL_SIZE: z.coerce.number().int().min(1).max(100).default(10),
  KAFKA_BROKERS: list.default(["127.0.0.1:9092"]),
  KAFKA_CLIENT_ID: z.string().default("optrail"),
  KAFKA_TOPIC: z.string().min(1).default("optrail.notifications.v1"),
  KAFKA_DEAD_LETTER_TOPIC: z.string().min(1).default("optrail.notifications.dlq.v1"),
  KAFKA_TOPIC_PARTITIONS: z.coerce.number().int().min(1).max(1000).default(12),
  KAFKA_REPLICATION_FACTOR: z.coerce.number().int().min(1).max(10).default(1),
  INGEST_BODY_LIMIT: z.string().default("1mb"),
  INGEST_PUBLISH_TIMEOUT_MS: z.coerce.number().int().min(100).max(60_000).default(2500),
  INGEST_BATCH_MAX_WAIT_MS: z.coerce.number().int().min(0).max(1000).default(2),
  INGEST_BATCH_MAX_MESSAGES: z.coerce.number().int().min(0).max(100_000).default(500),
  PROJECTOR_GROUP_ID: z.string().default("optrail-projector"),
  PROJECTION_NAME: z.string().default("main"),
  SHUTDOWN_TIMEOUT_MS: z.coerce.number().int().min(100).default(10_000),
  METRICS_ENABLED: bool.default(true),
});

export type Config = z.infer<typeof configSchema>;

export class ConfigError extends Error {
  constructor(readonly issues: string[]) {
    super(`invalid configuration:\n  ${issues.join("\n  ")}`);
    this.name = "ConfigError";
  }
}

/** Parses the environment once. Throws ConfigError naming every bad variable (values not shown). */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const parsed = configSchema.safeParse(env);
  if (!parsed.success) {
    throw new ConfigError(parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`));
  }
  return parsed.data;
}
