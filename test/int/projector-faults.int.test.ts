// The projector under faults, on the real Kafka and Postgres, as separate OS processes: kill -9 in the
// middle of a batch, Postgres restarted under load, the broker restarted, three processes in one
// group with one killed. Every test ends with the tables EXACTLY equal to the reference fold.
import assert from "node:assert/strict";
import { after, before, beforeEach, describe, it } from "node:test";
import type { Kafka } from "kafkajs";
import type { OperationObserved } from "../../services/core/index.js";
import type { Db } from "../../services/platform/db.js";
import { ensureTopics } from "../../services/platform/kafka.js";
import { brokerControllable, startBroker, stopBroker } from "../support/broker.js";
import { eventually, resetTables, testDb } from "../support/db.js";
import { testConfig, uniqueTopic } from "../support/env.js";
import { opEvent } from "../support/events.js";
import { testKafka } from "../support/kafka.js";
import { postgresRestartable, restartPostgres } from "../support/postgres.js";
import { produceEvents } from "../support/produce.js";
import { projectedStates, referenceStates, sortedEntries, topicEvents } from "../support/projection.js";
import { spawnProjector, type ProjectorProcess } from "../support/projector-process.js";
import { randomStream } from "../support/random-events.js";

const config = testConfig();

async function newTopic(kafka: Kafka, prefix: string, partitions: number): Promise<string> {
  const topic = uniqueTopic(prefix);
  await ensureTopics(kafka, { ...config, KAFKA_TOPIC: topic, KAFKA_DEAD_LETTER_TOPIC: `${topic}.dlq`, KAFKA_TOPIC_PARTITIONS: partitions });
  return topic;
}

/** A poison event: valid on the topic, but it names another call for a known operation, so the fold refuses it. */
function poisonFor(event: OperationObserved, n: number): OperationObserved {
  return opEvent({ operationId: event.data.operationId, callId: `intruder-${n}`, status: "completed", eventId: `poison-${n}` });
}

const env = (topic: string) => ({
  KAFKA_BROKERS: config.KAFKA_BROKERS.join(","),
  DATABASE_URL: process.env.DATABASE_URL!,
  KAFKA_TOPIC: topic,
  KAFKA_DEAD_LETTER_TOPIC: `${topic}.dlq`,
  PROJECTOR_GROUP_ID: `g-${topic}`,
  PROJECTOR_SESSION_TIMEOUT_MS: "6000",
  PROJECTOR_LAG_INTERVAL_MS: "500",
});

const applied = async (db: Db) => (await db.operationEvent.count()) + (await db.deadLetter.count());

async function waitApplied(db: Db, total: number, timeoutMs: number, procs: ProjectorProcess[] = []): Promise<void> {
  await eventually(async () => ((await applied(db)) === total ? true : undefined), timeoutMs, 100).catch((err) => {
    throw new Error(`${(err as Error).message}\n${procs.map((p) => p.output()).join("\n---\n")}`);
  });
}

async function assertEqualsReference(db: Db, kafka: Kafka, topic: string, total: number): Promise<void> {
  const events = await topicEvents(kafka, topic);
  assert.equal(events.length, total, "every produced event is on the topic");
  assert.equal(await db.operationEvent.count(), total - (await db.deadLetter.count()), "one history row per applied message");
  assert.deepEqual(sortedEntries(await projectedStates(db)), sortedEntries(referenceStates(events)));
  const positions = await db.projectionPosition.findMany({ where: { topic } });
  const perPartition = new Map<number, number>();
  for (const e of await db.operationEvent.findMany({ where: { topic }, select: { partition: true } })) {
    perPartition.set(e.partition, (perPartition.get(e.partition) ?? 0) + 1);
  }
  for (const d of await db.deadLetter.findMany({ where: { topic }, select: { partition: true } })) {
    perPartition.set(d.partition, (perPartition.get(d.partition) ?? 0) + 1);
  }
  for (const p of positions) assert.equal(Number(p.nextOffset), perPartition.get(p.partition) ?? 0, `position of partition ${p.partition}`);
}

describe("projector under faults (separate processes, real Kafka and Postgres)", () => {
  let db: Db;
  let kafka: Kafka;
  const procs: ProjectorProcess[] = [];
  before(() => {
    db = testDb(config);
    kafka = testKafka(config);
  });
  beforeEach(() => resetTables(db));
  after(async () => {
    await Promise.all(procs.map((p) => p.kill()));
    await db.$disconnect();
  });

  it("when the projector is killed -9 in the middle of a large batch and restarted, then no event is lost or applied twice", async () => {
    const topic = await newTopic(kafka, "kill9", 4);
    const events: OperationObserved[] = randomStream({ seed: 41, operations: 800, events: 12_000, prefix: "k" });
    events.splice(6000, 0, poisonFor(events[10]!, 1), poisonFor(events[20]!, 2));
    await produceEvents(kafka, topic, events);
    const first = await spawnProjector(env(topic));
    procs.push(first);
    await eventually(async () => ((await applied(db)) >= 1000 ? true : undefined), 60_000, 20);
    await first.kill("SIGKILL");
    const atKill = await applied(db);
    assert.ok(atKill < events.length, `killed mid-stream (${atKill} of ${events.length} applied)`);
    const second = await spawnProjector(env(topic));
    procs.push(second);
    await waitApplied(db, events.length, 90_000, [second]);
    await second.kill("SIGTERM");
    await assertEqualsReference(db, kafka, topic, events.length);
    assert.equal(await db.deadLetter.count({ where: { topic } }), 2);
  });

  it(
    "when Postgres restarts under load, then the projector backs off, resumes, and nothing is lost or doubled",
    { skip: !postgresRestartable() },
    async () => {
      const topic = await newTopic(kafka, "pgrestart", 4);
      const events = randomStream({ seed: 42, operations: 500, events: 8000, prefix: "p" });
      const proc = await spawnProjector(env(topic));
      procs.push(proc);
      const producing = produceEvents(kafka, topic, events, 250);
      await eventually(async () => ((await applied(db)) >= 500 ? true : undefined), 60_000, 20);
      restartPostgres(); // the shared system cluster, for real (fast shutdown: a ~1-2 s outage)
      await producing;
      await waitApplied(db, events.length, 90_000, [proc]);
      assert.equal(proc.child.exitCode, null, "the projector survived the outage");
      await proc.kill("SIGTERM");
      await assertEqualsReference(db, kafka, topic, events.length);
    },
  );

  it("when the Kafka broker restarts, then the projector reconnects and catches up", { skip: !brokerControllable() }, async () => {
    const topic = await newTopic(kafka, "brokerrestart", 4);
    const events = randomStream({ seed: 43, operations: 300, events: 4000, prefix: "b" });
    const half = Math.floor(events.length / 2);
    const proc = await spawnProjector(env(topic));
    procs.push(proc);
    await produceEvents(kafka, topic, events.slice(0, half));
    await waitApplied(db, half, 60_000, [proc]);
    await stopBroker();
    await new Promise((r) => setTimeout(r, 1000));
    await startBroker();
    await produceEvents(testKafka(config, "optrail-test-after-restart"), topic, events.slice(half));
    await waitApplied(db, events.length, 120_000, [proc]);
    assert.equal(proc.child.exitCode, null, "the projector survived the broker restart");
    await proc.kill("SIGTERM");
    await assertEqualsReference(db, kafka, topic, events.length);
  });

  it("when three projectors share a 12-partition topic and one is killed halfway, then the tables equal the reference fold", async () => {
    const topic = await newTopic(kafka, "scale", 12);
    const events: OperationObserved[] = randomStream({ seed: 44, operations: 1200, events: 12_000, prefix: "s" });
    events.splice(3000, 0, poisonFor(events[5]!, 3));
    const three = await Promise.all([spawnProjector(env(topic)), spawnProjector(env(topic)), spawnProjector(env(topic))]);
    procs.push(...three);
    await produceEvents(kafka, topic, events);
    await eventually(async () => ((await applied(db)) >= events.length / 2 ? true : undefined), 60_000, 20);
    await three[1]!.kill("SIGKILL");
    await waitApplied(db, events.length, 90_000, three);
    await Promise.all([three[0]!.kill("SIGTERM"), three[2]!.kill("SIGTERM")]);
    await assertEqualsReference(db, kafka, topic, events.length);
    assert.equal(await db.deadLetter.count({ where: { topic } }), 1);
    const partitions = await db.projectionPosition.count({ where: { topic } });
    assert.equal(partitions, 12);
  });
});
