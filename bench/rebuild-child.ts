// The rebuild as its own process (so its peak RSS is its own): the real `npm run rebuild` code path
// (services/projector/rebuild.ts: fresh schema, fresh consumer group, replay, deferred indexes, switch
// over) against the rebuild database, whose live tables are empty. Timed from start to switched over.
// Prints one line: REBUILD-RESULT { events, seconds, vmHwmKb, finished }.
import { getHeapSpaceStatistics } from "node:v8";
import { loadConfig } from "../services/platform/config.js";
import { createLogger } from "../services/platform/logger.js";
import { rebuild } from "../services/projector/rebuild.js";
import { readVmHwmKb } from "./lib.js";

const topic = process.env.BENCH_REBUILD_TOPIC!;
const timeoutMs = Number(process.env.BENCH_REBUILD_TIMEOUT_S ?? 180) * 1000;
const config = loadConfig({
  ...process.env,
  NODE_ENV: "development",
  KAFKA_TOPIC: topic,
  PROJECTOR_GROUP_ID: `bench-rebuild-${topic}`,
  PROJECTION_NAME: "main",
});
const logger = createLogger({ level: "info", name: "rebuild" });
const started = performance.now();
const mem = setInterval(() => {
  const m = process.memoryUsage();
  const mb = (n: number) => Math.round(n / 2 ** 20);
  logger.info(
    {
      rss: mb(m.rss),
      heapUsed: mb(m.heapUsed),
      heapTotal: mb(m.heapTotal),
      external: mb(m.external),
      arrayBuffers: mb(m.arrayBuffers),
      // Committed MB per V8 space (new, old, large object, code...).
      spaces: Object.fromEntries(getHeapSpaceStatistics().map((s) => [s.space_name.replace(/_space$/, ""), mb(s.space_size)])),
    },
    "memory",
  );
}, 3000);
let events = 0;
let finished = true;
try {
  const result = await rebuild({ config, logger, timeoutMs });
  events = result.events;
} catch (err) {
  logger.error({ err }, "rebuild failed");
  finished = false;
}
clearInterval(mem);
const seconds = (performance.now() - started) / 1000;
const cpu = process.cpuUsage();
logger.info({ cpuSeconds: (cpu.user + cpu.system) / 1e6, seconds }, "rebuild process cpu");
process.stdout.write(`\nREBUILD-RESULT ${JSON.stringify({ events, seconds, vmHwmKb: readVmHwmKb("self"), finished })}\n`);
process.exit(0);
