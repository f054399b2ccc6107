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
/** An optional setting: unset and empty both mean "not configured". */
const optionalString = z
  .string()
  .optional()
  .transform((v) => (v && v.trim() !== "" ? v.trim() : undefined));

const emptyAsUnset = (v: unknown) => (v === "" ? undefined : v);

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
  /** The bot's Microsoft app id: the audience of Graph's call-notification tokens. Unset: tokens are not checked. */
  GRAPH_APP_ID: optionalString,
  GRAPH_OPENID_CONFIG_URL: z.url().default("https://api.aps.skype.com/v1/.well-known/OpenIdConfiguration"),
  GRAPH_TOKEN_ISSUERS: list.default(["https://graph.microsoft.com", "https://api.botframework.com"]),
  /** Tenants allowed to call; empty = any tenant with a valid token. */
  GRAPH_TENANT_IDS: list.default([]),
  /** The subscriptions' clientState secret(s), comma-separated for rotation. Unset: not checked. */
  GRAPH_CLIENT_STATE: list.default([]),
  /** Bearer token the bot presents on POST /graph/action-responses. Unset: not checked. */
  INGEST_ACTION_RESPONSE_TOKEN: optionalString,
  INGEST_BATCH_MAX_WAIT_MS: z.coerce.number().int().min(0).max(1000).default(2),
  INGEST_BATCH_MAX_MESSAGES: z.coerce.number().int().min(0).max(100_000).default(500),
  PROJECTOR_GROUP_ID: z.string().default("optrail-projector"),
  PROJECTION_NAME: z.string().default("main"),
  PROJECTOR_SESSION_TIMEOUT_MS: z.coerce.number().int().min(6000).max(300_000).default(30_000),
  PROJECTOR_MAX_LAG_EVENTS: z.coerce.number().int().min(0).default(10_000),
  PROJECTOR_MAX_LAG_SECONDS: z.coerce.number().min(0).default(60),
  /** Partitions of one fetch the projector applies at once (each in its own transaction). */
  PROJECTOR_PARTITION_CONCURRENCY: z.coerce.number().int().min(1).max(64).default(12),
  /** Operation states the projector remembers between batches (0: read them from Postgres every batch). */
  PROJECTOR_STATE_CACHE_SIZE: z.coerce.number().int().min(0).max(10_000_000).default(100_000),
  PROJECTOR_LAG_INTERVAL_MS: z.coerce.number().int().min(100).default(5000),
  SHUTDOWN_TIMEOUT_MS: z.coerce.number().int().min(100).default(10_000),
  METRICS_ENABLED: bool.default(true),
  // api (issue 5): read-API tokens, alert rules and delivery, live streams.
  API_TOKENS: list.default([]),
  ALERT_FAILED_TYPES: list.default([]),
  ALERT_STUCK_AFTER_MINUTES: z.preprocess(emptyAsUnset, z.coerce.number().int().min(1).max(10_080).optional()),
  ALERT_TOPIC: z.string().min(1).default("optrail.alerts.v1"),
  ALERT_WEBHOOK_URL: z.preprocess(emptyAsUnset, z.url({ protocol: /^https?$/ }).optional()),
  ALERT_WEBHOOK_TIMEOUT_MS: z.coerce.number().int().min(100).max(60_000).default(5000),
  ALERT_RETRY_BASE_MS: z.coerce.number().int().min(1).max(3_600_000).default(1000),
  ALERT_RETRY_MAX_MS: z.coerce.number().int().min(1).max(86_400_000).default(300_000),
  ALERT_MAX_ATTEMPTS: z.coerce.number().int().min(1).max(1000).default(12),
  ALERT_DISPATCH_INTERVAL_MS: z.coerce.number().int().min(10).max(60_000).default(1000),
  STREAM_POLL_INTERVAL_MS: z.coerce.number().int().min(10).max(60_000).default(1000),
  STREAM_KEEPALIVE_MS: z.coerce.number().int().min(100).max(300_000).default(15_000),
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
