// The projection's operator surface on the real Kafka and Postgres: dead letters listed and retried
// through the api, projection lag in GET /projection/status, the projector's lag metrics and readiness.
import assert from "node:assert/strict";
import { after, before, beforeEach, describe, it } from "node:test";
import type { Kafka } from "kafkajs";
import { createApiApp } from "../../services/api/app.js";
import type { Db } from "../../services/platform/db.js";
import { listen, type RunningServer } from "../../services/platform/http.js";
import { ensureTopics } from "../../services/platform/kafka.js";
import { createLogger } from "../../services/platform/logger.js";
import { createRegistry } from "../../services/platform/metrics.js";
import { createLagWatch } from "../../services/projector/lag.js";
import { startProjector } from "../../services/projector/main.js";
import { createStateCache } from "../../services/projector/state-cache.js";
import { applyBatch } from "../../services/projector/writer.js";
import { eventually, resetTables, testDb } from "../support/db.js";
import { testConfig, uniqueTopic } from "../support/env.js";
import { opEvent } from "../support/events.js";
import { getJson, postJson } from "../support/http.js";
import { readAll, testKafka } from "../support/kafka.js";
import { produceEvents } from "../support/produce.js";

const logger = createLogger({ level: "silent", name: "test" });
const config = testConfig();
const message = (e: unknown, offset: number, partition = 0, topic = "t") => ({
  topic,
  partition,
  offset: String(offset),
  value: Buffer.from(JSON.stringify(e)),
});

describe("projection api and lag (real Kafka and Postgres)", () => {
  let db: Db;
  let kafka: Kafka;
  let api: RunningServer;
  let topic: string;
  before(async () => {
    db = testDb(config);
    kafka = testKafka(config);
    topic = uniqueTopic("status");
    await ensureTopics(kafka, { ...config, KAFKA_TOPIC: topic, KAFKA_DEAD_LETTER_TOPIC: `${topic}.dlq`, KAFKA_TOPIC_PARTITIONS: 2 });
    const app = createApiApp({
      db,
      logger,
      registry: createRegistry("api", false),
      readiness: [],
      projection: { kafka, topic, name: "main" },
    });
    api = await listen(app, 0, "127.0.0.1");
  });
  beforeEach(() => resetTables(db));
  after(async () => {
    await api.close();
    await db.$disconnect();
  });

  it("when an event is poison, then GET /dead-letters lists it and a retry that fails again keeps it with the new error", async () => {
    const ok = opEvent({ operationId: "dl-1", callId: "call-a", status: "running" });
    const poison = opEvent({ operationId: "dl-1", callId: "call-b", status: "completed" });
    await applyBatch(db, { projection: "main", topic: "t", partition: 0, messages: [message(ok, 0), message(poison, 1)], now: new Date() });
    const list = await getJson(`${api.url}/dead-letters`);
    assert.equal(list.status, 200);
    assert.equal(list.body.items.length, 1);
    const [dl] = list.body.items;
    assert.equal(dl.eventId, poison.meta.eventId);
    assert.match(dl.error, /belongs to call call-a/);
    assert.deepEqual(dl.kafka, { topic: "t", partition: 0, offset: "1" });
    const retry = await postJson(`${api.url}/dead-letters/${dl.id}/retry`, {});
    assert.equal(retry.status, 200);
    assert.equal(retry.body.outcome, "failed");
    assert.notEqual(retry.body.deadLetter.retriedAt, null);
    assert.equal(retry.body.deadLetter.resolvedAt, null);
    assert.equal((await db.operation.findUnique({ where: { id: "dl-1" } }))?.status, "running");
  });

  it("when a dead letter's payload now folds, then the retry applies it exactly once and resolves it", async () => {
    const first = opEvent({ operationId: "dl-2", callId: "c", status: "running" });
    await applyBatch(db, { projection: "main", topic: "t", partition: 0, messages: [message(first, 0)], now: new Date() });
    // As left by an earlier fault (e.g. a bug since fixed): a valid event parked at offset 1.
    const parked = opEvent({ operationId: "dl-2", callId: "c", status: "completed", resultInfo: { code: 200, subcode: 0, message: "ok" } });
    const row = await db.deadLetter.create({
      data: {
        topic: "t",
        partition: 0,
        offset: 1n,
        eventId: parked.meta.eventId,
        error: "old bug",
        payload: parked as object,
        createdAt: new Date(),
      },
    });
    const retry = await postJson(`${api.url}/dead-letters/${row.id}/retry`, {});
    assert.equal(retry.body.outcome, "resolved");
    assert.notEqual(retry.body.deadLetter.resolvedAt, null);
    const op = await db.operation.findUnique({ where: { id: "dl-2" } });
    assert.equal(op?.status, "completed");
    assert.equal(op?.eventCount, 2);
    const again = await postJson(`${api.url}/dead-letters/${row.id}/retry`, {});
    assert.equal(again.body.outcome, "already-resolved");
    assert.equal((await db.operation.findUnique({ where: { id: "dl-2" } }))?.eventCount, 2);
    assert.equal(await db.operationEvent.count({ where: { operationId: "dl-2" } }), 2);
    assert.equal((await getJson(`${api.url}/dead-letters`)).body.items.length, 0);
    assert.equal((await getJson(`${api.url}/dead-letters?state=resolved`)).body.items.length, 1);
    assert.equal((await postJson(`${api.url}/dead-letters/999999/retry`, {})).status, 404);
    assert.equal((await postJson(`${api.url}/dead-letters/abc/retry`, {})).status, 400);
  });

  it("when a dead-letter retry changes an operation the projector remembers, then the projector's next batch folds onto the retried row", async () => {
    const cache = createStateCache(1000);
    const batch = (e: unknown, offset: number) => ({
      projection: "main",
      topic: "t-cache",
      partition: 0,
      messages: [message(e, offset, 0, "t-cache")],
      now: new Date(),
      cache,
    });
    await applyBatch(db, batch(opEvent({ operationId: "dl-cache", callId: "c", status: "running" }), 10));
    assert.equal(cache.size(), 1, "the projector remembers the operation");
    const parked = opEvent({ operationId: "dl-cache", callId: "c", status: "failed", resultInfo: { code: 500, subcode: 1, message: "x" } });
    const row = await db.deadLetter.create({
      data: {
        topic: "t-cache",
        partition: 0,
        offset: 11n,
        eventId: parked.meta.eventId,
        error: "old bug",
        payload: parked as object,
        createdAt: new Date(),
      },
    });
    assert.equal((await postJson(`${api.url}/dead-letters/${row.id}/retry`, {})).body.outcome, "resolved");
    // A late "running" from Graph: folded onto the retried (failed) row it is stale; onto the remembered
    // (running) state it would overwrite the retry.
    await applyBatch(db, batch(opEvent({ operationId: "dl-cache", callId: "c", status: "running" }), 12));
    const op = await db.operation.findUnique({ where: { id: "dl-cache" } });
    assert.equal(op?.status, "failed");
    assert.equal(op?.resultCode, 500);
    assert.equal(op?.eventCount, 3);
    const last = await db.operationEvent.findFirst({ where: { operationId: "dl-cache", offset: 12n } });
    assert.equal(last?.stale, true);
  });

  it("when events wait on the topic, then GET /projection/status and the lag readiness report them until they are applied", async () => {
    const events = [0, 1, 2, 3, 4, 5].map((i) => opEvent({ operationId: `lag-${i}`, status: "running" }));
    await produceEvents(kafka, topic, events);
    const status = await getJson(`${api.url}/projection/status`);
    assert.equal(status.status, 200);
    assert.equal(status.body.totalLagEvents, 6);
    assert.equal(status.body.partitions.length, 2);
    assert.deepEqual(Object.keys(status.body.partitions[0]).sort(), [
      "highWatermark",
      "lagEvents",
      "lagSeconds",
      "nextOffset",
      "partition",
      "topic",
    ]);

    const watch = createLagWatch({
      kafka,
      db,
      logger,
      registry: createRegistry("p", false),
      projection: "main",
      topic,
      intervalMs: 100,
      maxLagEvents: 2,
      maxLagSeconds: 60,
    });
    await watch.start();
    try {
      assert.equal((await watch.readiness.check()).ok, false);
      // Apply what the topic holds, partition by partition (as the projector would).
      for (const p of status.body.partitions) {
        const high = Number(p.highWatermark);
        if (high === 0) continue;
        const all = (await readAll(kafka, topic)).filter((m) => m.partition === p.partition);
        await applyBatch(db, {
          projection: "main",
          topic,
          partition: p.partition,
          messages: all.map((m) => ({ topic, partition: m.partition, offset: m.offset, value: Buffer.from(m.value) })),
          now: new Date(),
        });
      }
      await eventually(async () => ((await watch.readiness.check()).ok ? true : undefined), 5000);
      const after = await getJson(`${api.url}/projection/status`);
      assert.equal(after.body.totalLagEvents, 0);
      assert.equal(after.body.maxLagSeconds, 0);
    } finally {
      await watch.stop();
    }
  });

  it("when the projector runs, then /metrics exports the lag and /readyz includes the lag check", async () => {
    const own = uniqueTopic("metrics");
    const cfg = testConfig({
      KAFKA_TOPIC: own,
      KAFKA_DEAD_LETTER_TOPIC: `${own}.dlq`,
      PROJECTOR_GROUP_ID: `g-${own}`,
      PROJECTOR_LAG_INTERVAL_MS: "200",
    });
    const started = await startProjector(cfg, logger, { metricsPort: 0 });
    try {
      await produceEvents(kafka, own, [opEvent({ operationId: "m-2", status: "running" })]);
      const ready = await eventually(async () => {
        const r = await getJson(`${started.url}/readyz`);
        return r.status === 200 ? r : undefined;
      }, 20_000);
      assert.equal(ready.body.checks.lag.ok, true);
      const metrics = await (await fetch(`${started.url}/metrics`)).text();
      assert.match(metrics, /optrail_projector_lag_events\{[^}]*partition="0"/);
      assert.match(metrics, /optrail_projector_lag_seconds_max/);
    } finally {
      for (const c of started.closers) await c.close();
    }
  });
});
