// The rebuild as its own process (so its peak RSS is its own): the real projector, a fresh consumer
// group, empty projection tables (the rebuild database), until the topic's end offsets are reached.
// Prints one line: REBUILD-RESULT { events, seconds, vmHwmKb, finished }.
import { createDb } from "../services/platform/db.js";
import { createLogger } from "../services/platform/logger.js";
import { createRegistry } from "../services/platform/metrics.js";
import { createProjector } from "../services/projector/consumer.js";
import { caughtUp, endOffsets, kafkaClient, readVmHwmKb } from "./lib.js";

const topic = process.env.BENCH_REBUILD_TOPIC!;
const databaseUrl = process.env.DATABASE_URL!;
const timeoutMs = Number(process.env.BENCH_REBUILD_TIMEOUT_S ?? 180) * 1000;
const kafka = kafkaClient("optrail-bench-rebuild");
const ends = await endOffsets(kafka, topic);
const progress = caughtUp(ends);
const db = createDb({ DATABASE_URL: databaseUrl, DATABASE_POOL_SIZE: 10 });
const applied = new Map<number, bigint>();
const projector = createProjector({
  kafka,
  db,
  logger: createLogger({ level: "warn", name: "rebuild" }),
  registry: createRegistry("rebuild", false),
  topic,
  groupId: `rebuild-${topic}-${Date.now()}`,
  projection: `rebuild-${Date.now()}`,
  onBatch: ({ partition, nextOffset }) => {
    if (nextOffset === null) return;
    applied.set(partition, nextOffset);
    progress.advance(partition, nextOffset);
  },
});
const started = performance.now();
await projector.start();
// The timer keeps the process alive even if the consumer gives up (a crash it does not restart from).
let timer: NodeJS.Timeout | undefined;
const finished = await Promise.race([
  progress.done.then(() => true),
  new Promise<boolean>((r) => (timer = setTimeout(() => r(false), timeoutMs))),
]);
clearTimeout(timer);
const seconds = (performance.now() - started) / 1000;
const events = Number([...applied.values()].reduce((a, b) => a + b, 0n));
const vmHwmKb = readVmHwmKb("self");
await projector.stop();
await db.$disconnect();
process.stdout.write(`\nREBUILD-RESULT ${JSON.stringify({ events, seconds, vmHwmKb, finished })}\n`);
process.exit(0);
