// Delivers the alert outbox at-least-once: every alert to the Kafka topic, and to the optional
// webhook, each with its idempotency key, retried with exponential backoff; attempts and the last
// error are kept on the alert. The stuck-operation sweeper runs in the same loop.
import { alertView, stuckAlertFor, type AlertRecord } from "../core/index.js";
import type { Config } from "../platform/config.js";
import type { Db } from "../platform/db.js";
import type { Kafka, Producer } from "../platform/kafka.js";
import type { Logger } from "../platform/logger.js";
import { Counter, type Registry } from "../platform/metrics.js";
import { insertAlerts } from "../platform/projection-store.js";
import { webhookMessage } from "./alert-webhook.js";

export type DispatcherConfig = Pick<
  Config,
  | "ALERT_TOPIC"
  | "ALERT_WEBHOOK_URL"
  | "ALERT_WEBHOOK_TIMEOUT_MS"
  | "ALERT_RETRY_BASE_MS"
  | "ALERT_RETRY_MAX_MS"
  | "ALERT_MAX_ATTEMPTS"
  | "ALERT_DISPATCH_INTERVAL_MS"
  | "ALERT_STUCK_AFTER_MINUTES"
  | "KAFKA_TOPIC_PARTITIONS"
  | "KAFKA_REPLICATION_FACTOR"
>;

export interface AlertDispatcherOptions {
  db: Db;
  kafka: Kafka;
  logger: Logger;
  registry: Registry;
  config: DispatcherConfig;
  now?: () => Date;
}

export interface AlertDispatcher {
  start(): Promise<void>;
  stop(): Promise<void>;
  /** One pass: sweep stuck operations, then deliver what is due. */
  runOnce(): Promise<void>;
}

const BATCH = 100;
const ERROR_MAX = 500;

type Target = "kafka" | "webhook";

export function createAlertDispatcher(options: AlertDispatcherOptions): AlertDispatcher {
  const { db, kafka, logger, config } = options;
  const now = options.now ?? (() => new Date());
  const raised = new Counter({
    name: "optrail_alerts_raised_total",
    help: "Alerts raised, by rule (counted when first picked up for delivery)",
    labelNames: ["rule"],
    registers: [options.registry],
  });
  const deliveries = new Counter({
    name: "optrail_alert_deliveries_total",
    help: "Alert delivery attempts, by target and outcome",
    labelNames: ["target", "outcome"],
    registers: [options.registry],
  });
  let producer: Producer | undefined;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> | undefined;
  let stopped = true;

  const backoff = (attempts: number) => Math.min(config.ALERT_RETRY_MAX_MS, config.ALERT_RETRY_BASE_MS * 2 ** Math.max(0, attempts - 1));

  async function recordFailure(target: Target, alert: AlertRecord & { kafkaAttempts: number; webhookAttempts: number }, err: unknown) {
    const attempts = (target === "kafka" ? alert.kafkaAttempts : alert.webhookAttempts) + 1;
    const gaveUp = attempts >= config.ALERT_MAX_ATTEMPTS;
    const lastError = (err instanceof Error ? err.message : String(err)).slice(0, ERROR_MAX);
    const next = new Date(now().getTime() + backoff(attempts));
    deliveries.inc({ target, outcome: gaveUp ? "gave-up" : "failed" });
    logger.warn({ alertId: alert.id, target, attempts, gaveUp, err: lastError }, "alert delivery failed");
    await db.alert.update({
      where: { id: alert.id },
      data:
        target === "kafka"
          ? { kafkaAttempts: attempts, kafkaLastError: lastError, kafkaNextAttemptAt: next, kafkaState: gaveUp ? "failed" : "pending" }
          : {
              webhookAttempts: attempts,
              webhookLastError: lastError,
              webhookNextAttemptAt: next,
              webhookState: gaveUp ? "failed" : "pending",
            },
    });
  }

  /**
   * Claims the alerts due for a target: FOR UPDATE SKIP LOCKED plus a lease (next attempt pushed out),
   * so several projector instances never send the same alert at the same time.
   */
  async function due(target: Target) {
    const at = now();
    const lease = new Date(at.getTime() + config.ALERT_WEBHOOK_TIMEOUT_MS * BATCH + 10_000);
    const claimed =
      target === "kafka"
        ? await db.$queryRaw<{ id: string }[]>`UPDATE alert SET kafka_next_attempt_at = ${lease} WHERE id IN (
            SELECT id FROM alert WHERE kafka_state = 'pending' AND (kafka_next_attempt_at IS NULL OR kafka_next_attempt_at <= ${at})
            ORDER BY seq LIMIT ${BATCH} FOR UPDATE SKIP LOCKED) RETURNING id`
        : await db.$queryRaw<{ id: string }[]>`UPDATE alert SET webhook_next_attempt_at = ${lease} WHERE id IN (
            SELECT id FROM alert WHERE webhook_state = 'pending' AND (webhook_next_attempt_at IS NULL OR webhook_next_attempt_at <= ${at})
            ORDER BY seq LIMIT ${BATCH} FOR UPDATE SKIP LOCKED) RETURNING id`;
    if (claimed.length === 0) return [];
    return db.alert.findMany({ where: { id: { in: claimed.map((c) => c.id) } }, orderBy: { seq: "asc" } });
  }

  async function sweepStuck(): Promise<void> {
    const minutes = config.ALERT_STUCK_AFTER_MINUTES;
    if (minutes === undefined) return;
    const at = now();
    const rows = await db.operation.findMany({
      where: { status: { in: ["notStarted", "running"] }, lastChangedAt: { lt: new Date(at.getTime() - minutes * 60_000) } },
      orderBy: { lastChangedAt: "asc" },
      take: 500,
    });
    if (rows.length === 0) return;
    await db.$transaction((tx) =>
      insertAlerts(
        tx,
        rows.map((r) => stuckAlertFor(r, minutes, at)),
      ),
    );
  }

  async function deliverKafka(): Promise<void> {
    const alerts = await due("kafka");
    if (alerts.length === 0) return;
    for (const a of alerts) if (a.kafkaAttempts === 0) raised.inc({ rule: a.rule });
    try {
      producer ??= await connectProducer();
      await producer.send({
        topic: config.ALERT_TOPIC,
        acks: -1,
        messages: alerts.map((a) => ({
          key: a.operationId,
          value: JSON.stringify(alertView(a)),
          headers: { "idempotency-key": a.idempotencyKey, "alert-id": a.id },
        })),
      });
    } catch (err) {
      for (const a of alerts) await recordFailure("kafka", a, err);
      return;
    }
    deliveries.inc({ target: "kafka", outcome: "delivered" }, alerts.length);
    // One statement for the whole send (the lease keeps other dispatchers off these rows meanwhile).
    await db.alert.updateMany({
      where: { id: { in: alerts.map((a) => a.id) } },
      data: { kafkaState: "delivered", kafkaAttempts: { increment: 1 }, kafkaNextAttemptAt: null },
    });
  }

  async function connectProducer(): Promise<Producer> {
    const p = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
    await p.connect();
    return p;
  }

  async function deliverWebhook(): Promise<void> {
    const url = config.ALERT_WEBHOOK_URL;
    if (!url) {
      await db.alert.updateMany({ where: { webhookState: "pending" }, data: { webhookState: "disabled" } });
      return;
    }
    for (const a of await due("webhook")) {
      try {
        const res = await fetch(url, {
          method: "POST",
          headers: { "content-type": "application/json", "idempotency-key": a.idempotencyKey, "x-optrail-alert-id": a.id },
          body: JSON.stringify(webhookMessage(alertView(a))),
          signal: AbortSignal.timeout(config.ALERT_WEBHOOK_TIMEOUT_MS),
        });
        await res.arrayBuffer().catch(() => undefined);
        if (!res.ok) throw new Error(`webhook answered ${res.status}`);
      } catch (err) {
        await recordFailure("webhook", a, err);
        continue;
      }
      deliveries.inc({ target: "webhook", outcome: "delivered" });
      await db.alert.update({
        where: { id: a.id },
        data: { webhookState: "delivered", webhookAttempts: a.webhookAttempts + 1, webhookNextAttemptAt: null },
      });
    }
  }

  async function runOnce(): Promise<void> {
    await sweepStuck();
    await deliverKafka();
    await deliverWebhook();
  }

  const loop = () => {
    if (stopped) return;
    running = runOnce()
      .catch((err: unknown) => logger.warn({ err: (err as Error).message }, "alert dispatch pass failed"))
      .finally(() => {
        running = undefined;
        if (!stopped) timer = setTimeout(loop, config.ALERT_DISPATCH_INTERVAL_MS);
      });
  };

  /** Creates the alert topic if missing. Not waiting for leaders: the first sends retry until it is ready. */
  async function ensureAlertTopic(): Promise<void> {
    const admin = kafka.admin();
    try {
      await admin.connect();
      if ((await admin.listTopics()).includes(config.ALERT_TOPIC)) return;
      await admin.createTopics({
        waitForLeaders: false,
        topics: [
          { topic: config.ALERT_TOPIC, numPartitions: config.KAFKA_TOPIC_PARTITIONS, replicationFactor: config.KAFKA_REPLICATION_FACTOR },
        ],
      });
    } catch (err) {
      logger.warn({ err: (err as Error).message, topic: config.ALERT_TOPIC }, "could not ensure the alert topic; delivery will retry");
    } finally {
      await admin.disconnect().catch(() => undefined);
    }
  }

  return {
    async start() {
      await ensureAlertTopic();
      stopped = false;
      loop();
    },
    async stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      await running;
      await producer?.disconnect().catch(() => undefined);
    },
    runOnce,
  };
}
