// The projector's lag watch: measures lag periodically, exports it as Prometheus gauges, and answers
// readiness (not ready while the lag exceeds PROJECTOR_MAX_LAG_EVENTS or PROJECTOR_MAX_LAG_SECONDS).
import type { Admin, Kafka } from "kafkajs";
import type { Db } from "../platform/db.js";
import type { ReadinessCheck } from "../platform/http.js";
import type { Logger } from "../platform/logger.js";
import { Gauge, type Registry } from "../platform/metrics.js";
import { measureLag, type ProjectionStatus } from "../platform/projection-lag.js";

export interface LagWatchOptions {
  kafka: Kafka;
  db: Db;
  logger: Logger;
  registry: Registry;
  projection: string;
  topic: string;
  intervalMs: number;
  maxLagEvents: number;
  maxLagSeconds: number;
}

export interface LagWatch {
  start(): Promise<void>;
  stop(): Promise<void>;
  latest(): ProjectionStatus | undefined;
  readiness: ReadinessCheck;
}

export function createLagWatch(o: LagWatchOptions): LagWatch {
  const labelNames = ["topic", "partition"] as const;
  const events = new Gauge({
    name: "optrail_projector_lag_events",
    help: "Events on the topic not yet projected",
    labelNames,
    registers: [o.registry],
  });
  const seconds = new Gauge({
    name: "optrail_projector_lag_seconds",
    help: "Age of the projection backlog in seconds",
    labelNames,
    registers: [o.registry],
  });
  const totalEvents = new Gauge({
    name: "optrail_projector_lag_events_total",
    help: "Events not yet projected, all partitions",
    registers: [o.registry],
  });
  const maxSeconds = new Gauge({
    name: "optrail_projector_lag_seconds_max",
    help: "Largest backlog age over the partitions",
    registers: [o.registry],
  });
  let admin: Admin | undefined;
  let timer: NodeJS.Timeout | undefined;
  let last: ProjectionStatus | undefined;
  let lastError: string | undefined;

  const measure = async () => {
    try {
      if (!admin) {
        admin = o.kafka.admin();
        await admin.connect();
      }
      last = await measureLag(o.db, admin, o.projection, o.topic, new Date());
      lastError = undefined;
      for (const p of last.partitions) {
        const labels = { topic: p.topic, partition: String(p.partition) };
        events.set(labels, p.lagEvents);
        seconds.set(labels, p.lagSeconds);
      }
      totalEvents.set(last.totalLagEvents);
      maxSeconds.set(last.maxLagSeconds);
    } catch (err) {
      lastError = (err as Error).message;
      o.logger.warn({ err: lastError }, "lag measurement failed");
    }
  };
  const loop = () => {
    timer = setTimeout(() => void measure().finally(() => timer && loop()), o.intervalMs);
    timer.unref();
  };

  return {
    async start() {
      await measure();
      loop();
    },
    async stop() {
      clearTimeout(timer);
      timer = undefined;
      await admin?.disconnect().catch(() => undefined);
    },
    latest: () => last,
    readiness: {
      name: "lag",
      check: async () => {
        if (!last) return { ok: false, detail: lastError ?? "not measured yet" };
        const ok = last.totalLagEvents <= o.maxLagEvents && last.maxLagSeconds <= o.maxLagSeconds;
        return {
          ok: ok && lastError === undefined,
          detail: {
            totalLagEvents: last.totalLagEvents,
            maxLagSeconds: last.maxLagSeconds,
            maxLagEvents: o.maxLagEvents,
            maxLagSecondsAllowed: o.maxLagSeconds,
            ...(lastError ? { error: lastError } : {}),
          },
        };
      },
    },
  };
}
