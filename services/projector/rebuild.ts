// `npm run rebuild`: replays the topic from the start into fresh tables (schema optrail_rebuild_<ts>)
// with a fresh consumer group, while the api keeps serving the current tables; once every partition
// has reached the high watermark captured at start and the live position, switches the tables over in
// one transaction (old ones kept in optrail_archive_<ts>). See README, "Guarantees" and "Operations".
import { NO_ALERTS } from "../core/index.js";
import { loadConfig, type Config } from "../platform/config.js";
import { createDb } from "../platform/db.js";
import { createKafka } from "../platform/kafka.js";
import { createLogger, type Logger } from "../platform/logger.js";
import { createRegistry } from "../platform/metrics.js";
import { measureLag } from "../platform/projection-lag.js";
import { createProjector } from "./consumer.js";
import { createProgress, type Progress } from "./progress.js";
import { createDeferredIndexes, createRebuildSchema, switchOver } from "./rebuild-schema.js";

export interface RebuildOptions {
  config: Config;
  logger: Logger;
  progress?: Progress;
  /** Called once caught up, just before the switch (tests check the api still sees the old tables). */
  beforeSwitch?: (schema: string) => Promise<void>;
  pollMs?: number;
  timeoutMs?: number;
}

export interface RebuildResult {
  schema: string;
  archive: string;
  events: number;
  seconds: number;
  eventsPerSecond: number;
}

const stamp = (d: Date) =>
  d
    .toISOString()
    .replace(/[-:TZ.]/g, "")
    .slice(0, 17);

export async function rebuild(o: RebuildOptions): Promise<RebuildResult> {
  const { config, logger } = o;
  const pollMs = o.pollMs ?? 250;
  const deadline = Date.now() + (o.timeoutMs ?? 24 * 3600_000);
  const ts = stamp(new Date());
  const schema = `optrail_rebuild_${ts}`;
  const archive = `optrail_archive_${ts}`;
  const started = Date.now();
  const liveDb = createDb(config);
  const rebuildDb = createDb(config, { schema });
  const kafka = createKafka(config, logger, "rebuild");
  const admin = kafka.admin();
  const projector = createProjector({
    kafka,
    db: rebuildDb,
    logger,
    registry: createRegistry("rebuild", false),
    topic: config.KAFKA_TOPIC,
    groupId: `${config.PROJECTOR_GROUP_ID}.rebuild.${ts}`,
    projection: config.PROJECTION_NAME,
    sessionTimeoutMs: config.PROJECTOR_SESSION_TIMEOUT_MS,
    alertRules: NO_ALERTS,
    // Bounded lower than the live projector's: the rebuild runs beside it and replays every operation.
    stateCacheSize: Math.min(config.PROJECTOR_STATE_CACHE_SIZE, 20_000),
    // As many partitions at once as the live projector: its memory is bounded by the heap's growth
    // (`npm run rebuild` runs node with --heap-growing-percent=100; see README, Performance), not by
    // fewer batches in flight, which cost throughput and saved little.
    partitionConcurrency: config.PROJECTOR_PARTITION_CONCURRENCY,
  });
  let consuming = false;
  try {
    await admin.connect();
    await createRebuildSchema(liveDb, schema);
    const start = await admin.fetchTopicOffsets(config.KAFKA_TOPIC);
    const target = new Map(start.map((p) => [p.partition, BigInt(p.high)]));
    const total = Number(start.reduce((sum, p) => sum + (BigInt(p.high) - BigInt(p.low)), 0n));
    const low = new Map(start.map((p) => [p.partition, BigInt(p.low)]));
    logger.info({ schema, topic: config.KAFKA_TOPIC, events: total }, "rebuild started");
    await projector.start();
    consuming = true;

    const sleep = () => new Promise((r) => setTimeout(r, pollMs));
    const checkDeadline = () => {
      if (Date.now() > deadline) throw new Error("rebuild timed out before catching up");
    };
    // 1. Replay up to the high watermarks captured at start.
    for (;;) {
      checkDeadline();
      const lag = await measureLag(rebuildDb, admin, config.PROJECTION_NAME, config.KAFKA_TOPIC, new Date());
      let done = 0n;
      let reached = true;
      for (const p of lag.partitions) {
        const next = BigInt(p.nextOffset);
        const goal = target.get(p.partition) ?? 0n;
        done += (next < goal ? next : goal) - (low.get(p.partition) ?? 0n);
        if (next < goal) reached = false;
      }
      o.progress?.update(Number(done), total);
      if (reached) break;
      await sleep();
    }
    // 2. The secondary indexes, built once over the replayed rows (the projector's writes wait meanwhile).
    const indexStart = Date.now();
    o.progress?.note("replayed; building the secondary indexes");
    const indexes = await createDeferredIndexes(liveDb, schema);
    logger.info({ indexes: indexes.length, seconds: (Date.now() - indexStart) / 1000 }, "rebuild indexes built");
    // 3. Keep up until the lag is 0 and the rebuild is at or past the live projector, then switch.
    for (;;) {
      checkDeadline();
      const lag = await measureLag(rebuildDb, admin, config.PROJECTION_NAME, config.KAFKA_TOPIC, new Date());
      if (lag.totalLagEvents === 0) {
        await o.beforeSwitch?.(schema);
        const result = await switchOver(liveDb, schema, archive, config.PROJECTION_NAME, config.KAFKA_TOPIC);
        if (result.switched) break;
        logger.info({ behind: result.behind }, "rebuild behind the live projection; catching up");
      }
      await sleep();
    }
    const seconds = (Date.now() - started) / 1000;
    const result = { schema, archive, events: total, seconds, eventsPerSecond: total / seconds };
    o.progress?.finish(
      `rebuild done: ${total} events in ${seconds.toFixed(1)} s (${Math.round(result.eventsPerSecond)} ev/s); old tables kept in schema ${archive}`,
    );
    logger.info(result, "rebuild switched over");
    return result;
  } catch (err) {
    // Not switched: the live tables are untouched; drop the half-built schema.
    await liveDb.$executeRawUnsafe(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`).catch(() => undefined);
    throw err;
  } finally {
    if (consuming) await projector.stop().catch(() => undefined);
    await admin.deleteGroups([`${config.PROJECTOR_GROUP_ID}.rebuild.${ts}`]).catch(() => undefined);
    await admin.disconnect().catch(() => undefined);
    await Promise.all([liveDb.$disconnect(), rebuildDb.$disconnect()]);
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const config = loadConfig();
  const logger = createLogger({ level: config.LOG_LEVEL, name: "rebuild" });
  try {
    await rebuild({ config, logger, progress: createProgress() });
    process.exit(0);
  } catch (err) {
    logger.error({ err }, "rebuild failed; the live tables are unchanged");
    process.exit(1);
  }
}
