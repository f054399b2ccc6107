// The Kafka side of the projector: a consumer group feeding partition batches to the writer.
// Offsets are committed to Kafka only after the database transaction, which holds the truth.
import type { Consumer, Kafka } from "kafkajs";
import type { AlertRules } from "../core/index.js";
import type { Db } from "../platform/db.js";
import type { Logger } from "../platform/logger.js";
import { Counter, Histogram, type Registry } from "../platform/metrics.js";
import { createStateCache } from "./state-cache.js";
import { applyBatch } from "./writer.js";

export interface ProjectorOptions {
  kafka: Kafka;
  db: Db;
  logger: Logger;
  registry: Registry;
  topic: string;
  groupId: string;
  projection: string;
  now?: () => Date;
  alertRules?: AlertRules;
  /** Kafka group session timeout; a killed member's partitions move after it (default 30 s). */
  sessionTimeoutMs?: number;
  /** Partitions applied at once (default 12, the default partition count: a fetch is applied in one round). */
  partitionConcurrency?: number;
  /** How many operation states to remember between batches (default 100,000; 0: read every batch's from Postgres). */
  stateCacheSize?: number;
  /** Largest number of messages applied in one transaction (default 500). */
  maxBatchMessages?: number;
  /** Called after each applied batch (tests and the rebuild command watch progress with it). */
  onBatch?: (info: { partition: number; nextOffset: bigint | null; highWatermark: string }) => void;
}

export interface Projector {
  start(): Promise<void>;
  stop(): Promise<void>;
  isRunning(): boolean;
}

const RETRY_BASE_MS = 200;
const RETRY_MAX_MS = 10_000;

export function createProjector(options: ProjectorOptions): Projector {
  const { kafka, db, logger, topic, groupId, projection } = options;
  const now = options.now ?? (() => new Date());
  const maxBatchMessages = Math.max(1, options.maxBatchMessages ?? 500);
  let chunkSize = maxBatchMessages;
  let successes = 0;
  const events = new Counter({
    name: "optrail_projector_events_total",
    help: "Events folded by the projector",
    labelNames: ["outcome"],
    registers: [options.registry],
  });
  const batchSeconds = new Histogram({
    name: "optrail_projector_batch_duration_seconds",
    help: "Time to apply one batch",
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers: [options.registry],
  });
  let consumer: Consumer | undefined;
  let running = false;
  const cache = createStateCache(options.stateCacheSize ?? 100_000);

  return {
    async start() {
      consumer = kafka.consumer({
        groupId,
        sessionTimeout: options.sessionTimeoutMs ?? 30_000,
        heartbeatInterval: Math.min(3000, Math.floor((options.sessionTimeoutMs ?? 30_000) / 6)),
        // ~1,500 events of ~700 bytes per partition per fetch: enough to fill 500-event transactions
        // on every partition, without buffering tens of MB (the rebuild's RSS).
        maxBytesPerPartition: 1024 * 1024,
        retry: { retries: Number.MAX_SAFE_INTEGER, initialRetryTime: 300, maxRetryTime: 10_000 },
      });
      consumer.on(consumer.events.CRASH, ({ payload }) =>
        logger.error({ err: payload.error, restart: payload.restart }, "consumer crashed"),
      );
      await consumer.connect();
      await consumer.subscribe({ topic, fromBeginning: true });
      await consumer.run({
        // Resolved offsets are committed to Kafka after each batch; the database position (written in
        // the batch's transaction) stays the truth, so a lagging Kafka commit only means re-reads.
        autoCommit: true,
        eachBatchAutoResolve: false,
        partitionsConsumedConcurrently: options.partitionConcurrency ?? 12,
        eachBatch: async ({ batch, resolveOffset, heartbeat, isRunning, isStale }) => {
          // A fetch can hold thousands of messages per partition; they are applied in chunks, one transaction
          // each, so a transaction (and a retry) stays bounded in time and memory whatever the fetch size, and
          // progress is committed chunk by chunk. The chunk size adapts: a failed chunk is retried at half
          // the size (a transaction too big to finish within the writer's timeout would otherwise be retried
          // forever), and every 10 successes double it again, up to maxBatchMessages.
          let start = 0;
          while (start < batch.messages.length) {
            let chunk = batch.messages.slice(start, start + chunkSize);
            let attempt = 0;
            for (;;) {
              if (!isRunning() || isStale()) return;
              const end = batchSeconds.startTimer();
              try {
                const result = await applyBatch(db, {
                  projection,
                  topic: batch.topic,
                  partition: batch.partition,
                  messages: chunk.map((m) => ({ topic: batch.topic, partition: batch.partition, offset: m.offset, value: m.value })),
                  now: now(),
                  alertRules: options.alertRules,
                  cache,
                });
                end();
                events.inc({ outcome: "applied" }, result.applied);
                if (result.skipped) events.inc({ outcome: "skipped" }, result.skipped);
                if (result.deadLettered) events.inc({ outcome: "dead-lettered" }, result.deadLettered);
                if (++successes % 10 === 0) chunkSize = Math.min(maxBatchMessages, chunkSize * 2);
                break;
              } catch (err) {
                // Database down or a transient failure: back off and retry a smaller chunk; nothing was written.
                attempt += 1;
                successes = 0;
                chunkSize = Math.max(1, Math.floor(chunk.length / 2));
                chunk = chunk.slice(0, chunkSize);
                const delay = Math.min(RETRY_MAX_MS, RETRY_BASE_MS * 2 ** Math.min(attempt, 10));
                logger.warn(
                  { err: (err as Error).message, attempt, delayMs: delay, partition: batch.partition, chunkSize },
                  "batch failed; retrying",
                );
                await new Promise((r) => setTimeout(r, delay));
                await heartbeat().catch(() => undefined);
              }
            }
            start += chunk.length;
            const last = chunk[chunk.length - 1];
            if (last) resolveOffset(last.offset);
            await heartbeat();
            options.onBatch?.({
              partition: batch.partition,
              nextOffset: last ? BigInt(last.offset) + 1n : null,
              highWatermark: batch.highWatermark,
            });
          }
        },
      });
      running = true;
      logger.info({ topic, groupId, projection }, "projector consuming");
    },
    async stop() {
      running = false;
      await consumer?.disconnect();
    },
    isRunning: () => running,
  };
}
