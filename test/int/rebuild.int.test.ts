// The rebuild on the real Kafka and Postgres: replays the topic into fresh tables while the live
// projector and the api go on, switches over in one transaction, and the result equals the fold.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import type { Kafka } from "kafkajs";
import type { OperationObserved } from "../../services/core/index.js";
import type { Db } from "../../services/platform/db.js";
import { ensureTopics } from "../../services/platform/kafka.js";
import { createLogger } from "../../services/platform/logger.js";
import { createRegistry } from "../../services/platform/metrics.js";
import { createProjector } from "../../services/projector/consumer.js";
import { rebuild } from "../../services/projector/rebuild.js";
import { eventually, resetTables, testDb } from "../support/db.js";
import { testConfig, uniqueTopic } from "../support/env.js";
import { opEvent } from "../support/events.js";
import { testKafka } from "../support/kafka.js";
import { produceEvents } from "../support/produce.js";
import { projectedStates, referenceStates, sortedEntries, topicEvents } from "../support/projection.js";
import { randomStream } from "../support/random-events.js";

const logger = createLogger({ level: "silent", name: "test" });

describe("rebuild (real Kafka and Postgres)", () => {
  let db: Db;
  let kafka: Kafka;
  const schemas: string[] = [];
  before(async () => {
    db = testDb(testConfig());
    kafka = testKafka(testConfig());
    await resetTables(db);
  });
  after(async () => {
    for (const s of schemas) await db.$executeRawUnsafe(`DROP SCHEMA IF EXISTS "${s}" CASCADE`);
    await db.$disconnect();
  });

  it("when the topic is replayed while the live projector runs, then the api sees the old tables until one switch and the new ones equal the fold", async () => {
    const topic = uniqueTopic("rebuild");
    const config = testConfig({
      KAFKA_TOPIC: topic,
      KAFKA_DEAD_LETTER_TOPIC: `${topic}.dlq`,
      KAFKA_TOPIC_PARTITIONS: "6",
      PROJECTOR_GROUP_ID: `g-${topic}`,
    });
    await ensureTopics(kafka, config);
    const events: OperationObserved[] = randomStream({ seed: 7, operations: 1000, events: 20_000, prefix: "rb" });
    events.splice(
      100,
      0,
      opEvent({ operationId: events[0]!.data.operationId, callId: "intruder", status: "failed", eventId: "rb-poison" }),
    );
    await produceEvents(kafka, topic, events);
    const live = createProjector({
      kafka,
      db,
      logger,
      registry: createRegistry("p", false),
      topic,
      groupId: config.PROJECTOR_GROUP_ID,
      projection: "main",
    });
    await live.start();
    try {
      const applied = async () => (await db.operationEvent.count()) + (await db.deadLetter.count());
      await eventually(async () => ((await applied()) === events.length ? true : undefined), 90_000);
      // Damage the live table: the rebuild must repair it, but only at the switch.
      const victim = events[0]!.data.operationId;
      await db.operation.update({ where: { id: victim }, data: { status: "tampered" } });

      let sawOldTablesBeforeSwitch = false;
      let rebuiltStats: { relname: string; reltuples: number }[] = [];
      const result = await rebuild({
        config,
        logger,
        pollMs: 100,
        timeoutMs: 120_000,
        beforeSwitch: async (schema) => {
          schemas.push(schema);
          sawOldTablesBeforeSwitch = (await db.operation.findUnique({ where: { id: victim } }))?.status === "tampered";
          // ANALYZE sets reltuples (-1 on a table never analysed): the tables switch in with statistics.
          rebuiltStats = await db.$queryRaw<
            { relname: string; reltuples: number }[]
          >`SELECT c.relname::text, c.reltuples::float8 AS reltuples
            FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
            WHERE n.nspname = ${schema} AND c.relname IN ('operation', 'operation_event') ORDER BY c.relname`;
        },
      });
      schemas.push(result.archive);
      console.log(`# rebuild: ${result.events} events in ${result.seconds.toFixed(1)} s, ${Math.round(result.eventsPerSecond)} ev/s`);
      assert.ok(sawOldTablesBeforeSwitch, "until the switch, the api-visible table is the old one");
      assert.deepEqual(
        rebuiltStats,
        [
          { relname: "operation", reltuples: await db.operation.count() },
          { relname: "operation_event", reltuples: events.length - 1 },
        ],
        "the rebuilt tables are analysed before the switch",
      );
      assert.notEqual((await db.operation.findUnique({ where: { id: victim } }))?.status, "tampered");
      assert.deepEqual(sortedEntries(await projectedStates(db)), sortedEntries(referenceStates(await topicEvents(kafka, topic))));
      assert.equal(await db.deadLetter.count(), 1);
      assert.equal(await db.operationEvent.count(), events.length - 1);
      const archived = await db.$queryRawUnsafe<{ n: bigint }[]>(`SELECT count(*) AS n FROM "${result.archive}".operation_event`);
      assert.equal(Number(archived[0]!.n), events.length - 1, "the old tables are kept in the archive schema");

      // The live projector goes on, on the switched tables: nothing skipped, nothing doubled.
      const more = randomStream({ seed: 8, operations: 50, events: 500, prefix: "rb2" });
      await produceEvents(kafka, topic, more);
      await eventually(async () => ((await applied()) === events.length + more.length ? true : undefined), 60_000);
      assert.deepEqual(sortedEntries(await projectedStates(db)), sortedEntries(referenceStates(await topicEvents(kafka, topic))));
    } finally {
      await live.stop();
    }
  });
});
