// The projector on the real Kafka and Postgres: rows equal the reference fold, exactly once.
import assert from "node:assert/strict";
import { after, before, beforeEach, describe, it } from "node:test";
import type { Kafka } from "kafkajs";
import { eventKey, type OperationObserved } from "../../services/core/index.js";
import type { Db } from "../../services/platform/db.js";
import { ensureTopics } from "../../services/platform/kafka.js";
import { createLogger } from "../../services/platform/logger.js";
import { createRegistry } from "../../services/platform/metrics.js";
import { createProjector } from "../../services/projector/consumer.js";
import { applyBatch } from "../../services/projector/writer.js";
import { eventually, resetTables, testDb } from "../support/db.js";
import { testConfig, uniqueTopic } from "../support/env.js";
import { opEvent } from "../support/events.js";
import { readAll, testKafka } from "../support/kafka.js";
import { produceEvents } from "../support/produce.js";
import { projectedStates, referenceStates, sortedEntries } from "../support/projection.js";
import { randomStream } from "../support/random-events.js";

const logger = createLogger({ level: "silent", name: "test" });

function scenario(operations: number, perOperation: number): OperationObserved[] {
  const statuses = ["notStarted", "running", "completed", "failed", "running"];
  const events: OperationObserved[] = [];
  for (let i = 0; i < perOperation; i++) {
    for (let op = 0; op < operations; op++) {
      const status = statuses[(i + op) % statuses.length]!;
      events.push(
        opEvent({
          operationId: `op-${op}`,
          callId: `call-${op % 7}`,
          status,
          eventId: `e-${op}-${i}`,
          resultInfo: { code: 200 + i, subcode: op, message: `m${i}` },
        }),
      );
      if (i % 3 === 0) events.push(events[events.length - 1]!); // a duplicated delivery
    }
  }
  return events;
}

async function produce(kafka: Kafka, topic: string, events: unknown[], raw: (string | null)[] = []) {
  const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
  await producer.connect();
  const messages = [
    ...events.map((e) => ({ key: eventKey(e as OperationObserved), value: JSON.stringify(e) })),
    ...raw.map((value) => ({ key: "poison", value })),
  ];
  await producer.send({ topic, acks: -1, messages });
  await producer.disconnect();
}

/** Events in the order the topic holds them (per partition, which is per-operation order). */
async function topicEvents(kafka: Kafka, topic: string): Promise<OperationObserved[]> {
  return (await readAll(kafka, topic)).flatMap((m) => {
    try {
      const e = JSON.parse(m.value);
      return e.type === "OperationObserved" ? [e as OperationObserved] : [];
    } catch {
      return [];
    }
  });
}

describe("projector (real Kafka and Postgres)", () => {
  let db: Db;
  let kafka: Kafka;
  const config = testConfig();
  before(() => {
    db = testDb(config);
    kafka = testKafka(config);
  });
  beforeEach(() => resetTables(db));
  after(() => db.$disconnect());

  it("when a stream with duplicates is consumed, then the rows equal the reference fold and history has every message", async () => {
    const topic = uniqueTopic("proj");
    const cfg = { ...config, KAFKA_TOPIC: topic, KAFKA_DEAD_LETTER_TOPIC: `${topic}.dlq`, KAFKA_TOPIC_PARTITIONS: 4 };
    await ensureTopics(kafka, cfg);
    const events = scenario(40, 5);
    await produce(kafka, topic, events);
    const projector = createProjector({
      kafka,
      db,
      logger,
      registry: createRegistry("p", false),
      topic,
      groupId: `g-${topic}`,
      projection: "main",
    });
    await projector.start();
    try {
      await eventually(async () => ((await db.operationEvent.count()) === events.length ? true : undefined), 30_000);
    } finally {
      await projector.stop();
    }
    const expected = referenceStates(await topicEvents(kafka, topic));
    assert.deepEqual(sortedEntries(await projectedStates(db)), sortedEntries(expected));
    const duplicates = await db.operationEvent.count({ where: { duplicate: true } });
    assert.equal(duplicates, events.length - new Set(events.map((e) => e.meta.eventId)).size);
  });

  it("when a seeded random stream (shuffled, duplicated, interleaved) goes through Kafka, then the rows equal the reference fold", async () => {
    const topic = uniqueTopic("random");
    await ensureTopics(kafka, { ...config, KAFKA_TOPIC: topic, KAFKA_DEAD_LETTER_TOPIC: `${topic}.dlq`, KAFKA_TOPIC_PARTITIONS: 6 });
    const events = randomStream({ seed: 2026, operations: 400, events: 4000, prefix: "int" });
    await produceEvents(kafka, topic, events);
    const projector = createProjector({
      kafka,
      db,
      logger,
      registry: createRegistry("p", false),
      topic,
      groupId: `g-${topic}`,
      projection: "main",
    });
    await projector.start();
    try {
      await eventually(async () => ((await db.operationEvent.count()) === events.length ? true : undefined), 60_000);
    } finally {
      await projector.stop();
    }
    assert.deepEqual(sortedEntries(await projectedStates(db)), sortedEntries(referenceStates(await topicEvents(kafka, topic))));
    assert.equal(
      await db.operationEvent.count({ where: { duplicate: true } }),
      events.length - new Set(events.map((e) => e.meta.eventId)).size,
    );
  });

  it("when the same batch is applied twice, then the second time changes nothing", async () => {
    const events = [opEvent({ operationId: "x", status: "running" }), opEvent({ operationId: "x", status: "completed" })];
    const messages = events.map((e, i) => ({ topic: "t", partition: 0, offset: String(i), value: Buffer.from(JSON.stringify(e)) }));
    const first = await applyBatch(db, { projection: "main", topic: "t", partition: 0, messages, now: new Date() });
    const rowsAfterFirst = await projectedStates(db);
    const second = await applyBatch(db, { projection: "main", topic: "t", partition: 0, messages, now: new Date() });
    assert.equal(first.applied, 2);
    assert.equal(second.applied, 0);
    assert.equal(second.skipped, 2);
    assert.deepEqual(await projectedStates(db), rowsAfterFirst);
    assert.equal(await db.operationEvent.count(), 2);
  });

  it("when a message is poison, then it becomes a dead letter and the rest of the batch is applied", async () => {
    const good = opEvent({ operationId: "good", status: "running" });
    const messages = [
      { topic: "t", partition: 1, offset: "0", value: Buffer.from("{not json") },
      { topic: "t", partition: 1, offset: "1", value: Buffer.from(JSON.stringify({ type: "OperationObserved", v: 1 })) },
      { topic: "t", partition: 1, offset: "2", value: Buffer.from(JSON.stringify(good)) },
    ];
    const result = await applyBatch(db, { projection: "main", topic: "t", partition: 1, messages, now: new Date() });
    assert.equal(result.deadLettered, 2);
    assert.equal(result.applied, 1);
    const dead = await db.deadLetter.findMany({ orderBy: { offset: "asc" } });
    assert.deepEqual(
      dead.map((d) => Number(d.offset)),
      [0, 1],
    );
    assert.match(dead[0]!.error, /not JSON/);
    assert.equal((await db.operation.findUnique({ where: { id: "good" } }))?.status, "running");
    const position = await db.projectionPosition.findFirst({ where: { topic: "t", partition: 1 } });
    assert.equal(position?.nextOffset, 3n);
  });

  it("when the projector restarts between two halves of a stream, then nothing is lost or doubled", async () => {
    const topic = uniqueTopic("restart");
    const cfg = { ...config, KAFKA_TOPIC: topic, KAFKA_DEAD_LETTER_TOPIC: `${topic}.dlq`, KAFKA_TOPIC_PARTITIONS: 3 };
    await ensureTopics(kafka, cfg);
    const events = scenario(20, 4);
    const half = Math.floor(events.length / 2);
    const groupId = `g-${topic}`;
    const run = async (expectedTotal: number) => {
      const p = createProjector({ kafka, db, logger, registry: createRegistry("p", false), topic, groupId, projection: "main" });
      await p.start();
      try {
        await eventually(async () => ((await db.operationEvent.count()) === expectedTotal ? true : undefined), 30_000);
      } finally {
        await p.stop();
      }
    };
    await produce(kafka, topic, events.slice(0, half));
    await run(half);
    await produce(kafka, topic, events.slice(half));
    await run(events.length);
    assert.equal(await db.operationEvent.count(), events.length);
    assert.deepEqual(sortedEntries(await projectedStates(db)), sortedEntries(referenceStates(await topicEvents(kafka, topic))));
  });
});
