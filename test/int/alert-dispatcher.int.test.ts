// The alert dispatcher on real Kafka and Postgres: the stuck-operation sweeper, configured failure
// rules, a disabled webhook, and a webhook that never answers (attempts recorded, then given up).
import assert from "node:assert/strict";
import { after, before, beforeEach, describe, it } from "node:test";
import type { Db } from "../../services/platform/db.js";
import { createLogger } from "../../services/platform/logger.js";
import { createRegistry } from "../../services/platform/metrics.js";
import { createAlertDispatcher, type DispatcherConfig } from "../../services/projector/alert-dispatcher.js";
import { applyBatch } from "../../services/projector/writer.js";
import { resetTables, testDb } from "../support/db.js";
import { testConfig, uniqueTopic } from "../support/env.js";
import { opEvent } from "../support/events.js";
import { readAll, testKafka } from "../support/kafka.js";
import { freePort } from "../support/stack.js";

const logger = createLogger({ level: "silent", name: "test" });
let offset = 0;

async function project(db: Db, events: ReturnType<typeof opEvent>[], failedTypes: string[] = []) {
  const messages = events.map((e) => ({ topic: "t", partition: 0, offset: String(offset++), value: Buffer.from(JSON.stringify(e)) }));
  await applyBatch(db, { projection: "main", topic: "t", partition: 0, messages, now: new Date(), alertRules: { failedTypes } });
}

describe("alert dispatcher (real Kafka and Postgres)", () => {
  const config = testConfig();
  const kafka = testKafka(config);
  let db: Db;
  before(() => {
    db = testDb(config);
  });
  beforeEach(async () => {
    await resetTables(db);
    offset = 0;
  });
  after(() => db.$disconnect());

  const dispatcherConfig = (over: Partial<DispatcherConfig>): DispatcherConfig => ({
    ALERT_TOPIC: uniqueTopic("alerts"),
    ALERT_WEBHOOK_URL: undefined,
    ALERT_WEBHOOK_TIMEOUT_MS: 500,
    ALERT_RETRY_BASE_MS: 1,
    ALERT_RETRY_MAX_MS: 5,
    ALERT_MAX_ATTEMPTS: 3,
    ALERT_DISPATCH_INTERVAL_MS: 20,
    ALERT_STUCK_AFTER_MINUTES: undefined,
    KAFKA_TOPIC_PARTITIONS: 1,
    KAFKA_REPLICATION_FACTOR: 1,
    ...over,
  });

  it("when an operation runs longer than the limit, then the sweeper raises one stuck alert however often it runs", async () => {
    const twoHoursAgo = new Date(Date.now() - 2 * 3600_000).toISOString();
    await project(db, [
      opEvent({ operationId: "slow", callId: "c", status: "running", at: twoHoursAgo }),
      opEvent({ operationId: "fresh", callId: "c", status: "running", at: new Date().toISOString() }),
      opEvent({ operationId: "done", callId: "c", status: "completed", at: twoHoursAgo }),
    ]);
    const cfg = dispatcherConfig({ ALERT_STUCK_AFTER_MINUTES: 30 });
    const dispatcher = createAlertDispatcher({ db, kafka, logger, registry: createRegistry("t", false), config: cfg });
    await dispatcher.start();
    await dispatcher.stop();
    await dispatcher.runOnce();
    await dispatcher.runOnce();
    const alerts = await db.alert.findMany();
    assert.deepEqual(
      alerts.map((a) => [a.rule, a.operationId, a.kafkaState, a.webhookState]),
      [["stuck-operation", "slow", "delivered", "disabled"]],
    );
    assert.equal((await readAll(kafka, cfg.ALERT_TOPIC)).length, 1);
  });

  it("when several alerts are due, then one pass sends them all and marks each delivered once", async () => {
    const ids = ["cx-1", "cx-2", "cx-3", "cx-4", "cx-5"];
    await project(
      db,
      ids.map((operationId) => opEvent({ operationId, type: "cancelMediaProcessingOperation", status: "failed" })),
    );
    const cfg = dispatcherConfig({});
    const dispatcher = createAlertDispatcher({ db, kafka, logger, registry: createRegistry("t", false), config: cfg });
    await dispatcher.start();
    await dispatcher.stop();
    await dispatcher.runOnce();
    await dispatcher.runOnce();
    const alerts = await db.alert.findMany({ orderBy: { operationId: "asc" } });
    assert.deepEqual(
      alerts.map((a) => [a.operationId, a.kafkaState, a.kafkaAttempts, a.kafkaNextAttemptAt]),
      ids.map((id) => [id, "delivered", 1, null]),
    );
    const sent = await readAll(kafka, cfg.ALERT_TOPIC);
    assert.deepEqual(sent.map((m) => m.key).sort(), ids);
  });

  it("when a configured type fails, then failed-operation is raised; an unconfigured type raises nothing", async () => {
    await project(
      db,
      [
        opEvent({ operationId: "rec", type: "recordOperation", status: "failed" }),
        opEvent({ operationId: "dtmf", type: "sendDtmfTonesOperation", status: "failed" }),
        opEvent({
          operationId: "rec-canceled",
          type: "recordOperation",
          status: "failed",
          resultInfo: { code: 400, subcode: 8508, message: "c" },
        }),
      ],
      ["recordOperation"],
    );
    const alerts = await db.alert.findMany();
    assert.deepEqual(
      alerts.map((a) => [a.rule, a.operationId]),
      [["failed-operation", "rec"]],
    );
  });

  it("when the webhook never answers, then attempts and the last error are recorded until it gives up", async () => {
    await project(db, [opEvent({ operationId: "cx", type: "cancelMediaProcessingOperation", status: "failed" })]);
    const port = await freePort(); // nothing listens there
    const cfg = dispatcherConfig({ ALERT_WEBHOOK_URL: `http://127.0.0.1:${port}/hook` });
    const dispatcher = createAlertDispatcher({ db, kafka, logger, registry: createRegistry("t", false), config: cfg });
    await dispatcher.start();
    await dispatcher.stop();
    for (let i = 0; i < 3; i++) {
      await new Promise((r) => setTimeout(r, 10));
      await dispatcher.runOnce();
    }
    const a = await db.alert.findFirstOrThrow();
    assert.equal(a.webhookState, "failed");
    assert.equal(a.webhookAttempts, 3);
    assert.match(a.webhookLastError ?? "", /fetch failed|ECONNREFUSED/);
    assert.equal(a.kafkaState, "delivered");
  });
});
