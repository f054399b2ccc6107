// kafkajs 2.2.4 against the broker optrail runs (Apache Kafka 4.x, KRaft): the protocol features
// optrail relies on all work: topic admin, idempotent acks=all produce, consumer groups, commits.
import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { after, before, describe, it } from "node:test";
import type { Kafka } from "kafkajs";
import { testConfig, uniqueTopic } from "../support/env.js";
import { readAll, testKafka } from "../support/kafka.js";

describe("kafkajs ↔ Kafka broker compatibility", () => {
  let kafka: Kafka;
  const topic = uniqueTopic("compat");
  before(async () => {
    kafka = testKafka(testConfig());
    const admin = kafka.admin();
    await admin.connect();
    await admin.createTopics({ topics: [{ topic, numPartitions: 3 }], waitForLeaders: true });
    await admin.disconnect();
  });

  it("when asked for the cluster, then the single KRaft broker answers", async () => {
    const admin = kafka.admin();
    await admin.connect();
    const cluster = await admin.describeCluster();
    await admin.disconnect();
    assert.equal(cluster.brokers.length, 1);
    assert.ok(cluster.controller !== null);
  });

  it("when producing idempotently with acks=all, then every message is acknowledged and readable in key order", async () => {
    const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
    await producer.connect();
    const messages = Array.from({ length: 30 }, (_, i) => ({ key: `op-${i % 3}`, value: String(i) }));
    const acks = await producer.send({ topic, acks: -1, messages });
    await producer.disconnect();
    assert.ok(acks.every((a) => a.errorCode === 0));
    const read = await readAll(kafka, topic);
    assert.equal(read.length, 30);
    for (const key of ["op-0", "op-1", "op-2"]) {
      const values = read.filter((m) => m.key === key).map((m) => Number(m.value));
      assert.deepEqual(
        values,
        [...values].sort((a, b) => a - b),
        `per-key order kept for ${key}`,
      );
      assert.equal(new Set(read.filter((m) => m.key === key).map((m) => m.partition)).size, 1);
    }
  });

  it("when a consumer group commits offsets, then a new member of the group resumes after them", async () => {
    const groupId = `compat-${randomUUID()}`;
    const first = kafka.consumer({ groupId });
    await first.connect();
    await first.subscribe({ topic, fromBeginning: true });
    let seen = 0;
    await new Promise<void>((resolve) => {
      void first.run({
        autoCommit: false,
        eachBatch: async ({ batch }) => {
          seen += batch.messages.length;
          const last = batch.messages[batch.messages.length - 1];
          if (last) await first.commitOffsets([{ topic, partition: batch.partition, offset: String(BigInt(last.offset) + 1n) }]);
          if (seen >= 30) resolve();
        },
      });
    });
    await first.disconnect();
    const admin = kafka.admin();
    await admin.connect();
    const committed = await admin.fetchOffsets({ groupId, topics: [topic] });
    await admin.disconnect();
    const total = committed[0]!.partitions.reduce((sum, p) => sum + Number(p.offset), 0);
    assert.equal(total, 30);
  });

  after(async () => {
    const admin = kafka.admin();
    await admin.connect();
    await admin.deleteTopics({ topics: [topic] }).catch(() => undefined);
    await admin.disconnect();
  });
});
