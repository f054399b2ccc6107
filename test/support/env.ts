// Where the test stack lives: set by scripts/test.sh (local Kafka and Postgres, or testcontainers).
import { randomUUID } from "node:crypto";
import { loadConfig, type Config } from "../../services/platform/config.js";

export function testConfig(overrides: Partial<Record<keyof Config, string>> = {}): Config {
  if (!process.env.KAFKA_BROKERS || !process.env.DATABASE_URL) {
    throw new Error("integration tests need KAFKA_BROKERS and DATABASE_URL: run them with `npm test`");
  }
  return loadConfig({ ...process.env, NODE_ENV: "test", LOG_LEVEL: process.env.LOG_LEVEL ?? "silent", ...overrides });
}

/** A topic name of its own for each test, so tests never read each other's events. */
export function uniqueTopic(prefix = "test"): string {
  return `${prefix}.${randomUUID().slice(0, 8)}`;
}
