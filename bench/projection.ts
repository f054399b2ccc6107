// Projection: events/s folded into Postgres by the real projector (createProjector → applyBatch, whichever
// writer is in the tree), beside the naive tutorial projector and the limits (raw consumer, raw upserts).
import type { Kafka } from "kafkajs";
import pg from "pg";
import { createDb } from "../services/platform/db.js";
import { createLogger } from "../services/platform/logger.js";
import { createRegistry } from "../services/platform/metrics.js";
import { createProjector } from "../services/projector/consumer.js";
import { runNaiveProjector } from "./baselines/naive-projector.js";
import { runRawConsumer, type KeptMessage } from "./baselines/raw-consumer.js";
import { runRawUpsert } from "./baselines/raw-upsert.js";
import { caughtUp, endOffsets, log, settings, withDeadline } from "./lib.js";

export async function truncate(databaseUrl: string): Promise<void> {
  const c = new pg.Client({ connectionString: databaseUrl });
  await c.connect();
  try {
    await c.query("TRUNCATE operation, operation_event, projection_position, dead_letter RESTART IDENTITY");
    await c.query("VACUUM ANALYZE operation");
  } finally {
    await c.end();
  }
}

export async function countRows(databaseUrl: string): Promise<{ operations: number; history: number }> {
  const c = new pg.Client({ connectionString: databaseUrl });
  await c.connect();
  try {
    const ops = await c.query<{ n: string }>("SELECT count(*)::text AS n FROM operation");
    const hist = await c.query<{ n: string }>("SELECT count(*)::text AS n FROM operation_event");
    return { operations: Number(ops.rows[0]!.n), history: Number(hist.rows[0]!.n) };
  } finally {
    await c.end();
  }
}

/** The real projector, in this process, on a fresh consumer group; timed from group joined to caught up. */
export async function runProjector(
  kafka: Kafka,
  databaseUrl: string,
  topic: string,
  timeoutMs: number,
): Promise<{ events: number; seconds: number; finished: boolean }> {
  const ends = await endOffsets(kafka, topic);
  const progress = caughtUp(ends);
  const db = createDb({ DATABASE_URL: databaseUrl, DATABASE_POOL_SIZE: 10 });
  let events = 0;
  let lastOffsets = new Map<number, bigint>();
  const projector = createProjector({
    kafka,
    db,
    logger: createLogger({ level: "error", name: "bench-projector" }),
    registry: createRegistry("bench", false),
    topic,
    groupId: `bench-projector-${topic}`,
    projection: `bench-${topic}`,
    onBatch: ({ partition, nextOffset }) => {
      if (nextOffset === null) return;
      const before = lastOffsets.get(partition) ?? 0n;
      events += Number(nextOffset - before);
      lastOffsets.set(partition, nextOffset);
      progress.advance(partition, nextOffset);
    },
  });
  await projector.start();
  const started = performance.now();
  let finished = true;
  try {
    await withDeadline(progress.done, timeoutMs, "projector").catch(() => (finished = false));
    const seconds = (performance.now() - started) / 1000;
    return { events, seconds, finished };
  } finally {
    await projector.stop();
    await db.$disconnect();
    lastOffsets = new Map();
  }
}

interface Rate {
  events: number;
  seconds: number;
  perS: number;
  /** False when the run was stopped at its time limit: the rate is then over the events applied so far. */
  finished: boolean;
}
export interface ProjectionFigures {
  projector: Rate;
  naive: Rate;
  limit: Rate;
  consumer: Rate;
}

const perS = (r: { events: number; seconds: number; finished?: boolean }): Rate => ({ finished: true, ...r, perS: r.events / r.seconds });

export async function measureProjection(kafka: Kafka, topic: string, naiveTopic: string): Promise<ProjectionFigures> {
  const timeout = 600_000;
  const projectorTimeout = settings.projectionTimeoutS * 1000;
  const naiveTimeout = settings.naiveTimeoutS * 1000;
  log(`projection: raw consumer (read only) on ${topic}`);
  const kept: KeptMessage[] = [];
  const consumer = perS(await runRawConsumer(kafka, topic, timeout, kept));
  log(`  raw consumer: ${Math.round(consumer.perS)} events/s`);

  await truncate(settings.databaseUrl);
  log(`projection: naive projector on ${settings.naiveEvents} events`);
  const naive = perS(await runNaiveProjector(kafka, createNaiveDb(), naiveTopic, naiveTimeout));
  log(
    `  naive: ${Math.round(naive.perS)} events/s (${naive.events} events in ${naive.seconds.toFixed(1)} s${naive.finished ? "" : ", stopped at the time limit"})`,
  );

  await truncate(settings.databaseUrl);
  log(`projection: raw unnest upserts (the limit) on ${kept.length} events`);
  const limit = perS(await runRawUpsert(settings.databaseUrl, topic, kept));
  kept.length = 0;
  log(`  limit: ${Math.round(limit.perS)} events/s`);

  await truncate(settings.databaseUrl);
  log(`projection: optrail projector on ${settings.projectionEvents} events`);
  const projector = perS(await runProjector(kafka, settings.databaseUrl, topic, projectorTimeout));
  const rows = await countRows(settings.databaseUrl);
  log(
    `  projector: ${Math.round(projector.perS)} events/s (${projector.events} events in ${projector.seconds.toFixed(1)} s${projector.finished ? "" : ", stopped at the time limit"}; ${rows.operations} operations, ${rows.history} history rows)`,
  );
  if (projector.finished && rows.history !== settings.projectionEvents)
    log(`  WARNING: expected ${settings.projectionEvents} history rows`);
  return { projector, naive, limit, consumer };
}

let naiveDb: ReturnType<typeof createDb> | undefined;
function createNaiveDb() {
  naiveDb ??= createDb({ DATABASE_URL: settings.databaseUrl, DATABASE_POOL_SIZE: 10 });
  return naiveDb;
}
export async function closeNaiveDb() {
  await naiveDb?.$disconnect();
}
