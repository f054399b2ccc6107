// Micro-batched appends on the real broker: concurrent requests share one send, all land, and a
// failed send rejects every request that waited on it.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import type { Kafka } from "kafkajs";
import { eventsFromNotificationItem, type OptrailEvent } from "../../services/core/index.js";
import { createIngestApp } from "../../services/ingest/app.js";
import { unauthenticated } from "../../services/ingest/auth.js";
import { createBatchingPublisher } from "../../services/ingest/batching-publisher.js";
import { createKafkaPublisher, type Publisher } from "../../services/ingest/publisher.js";
import { listen, type RunningServer } from "../../services/platform/http.js";
import { createKafka, ensureTopics } from "../../services/platform/kafka.js";
import { createLogger } from "../../services/platform/logger.js";
import { createRegistry } from "../../services/platform/metrics.js";
import { collection, operationItem } from "../fixtures/graph.js";
import { testConfig, uniqueTopic } from "../support/env.js";
import { postJson } from "../support/http.js";
import { readAll, testKafka } from "../support/kafka.js";

const logger = createLogger({ level: "silent", name: "test" });

function batching(brokers: string, topic: string, flushes: { messages: number; requests: number }[], maxWaitMs = 25) {
  const config = testConfig({ KAFKA_BROKERS: brokers, KAFKA_TOPIC: topic, KAFKA_DEAD_LETTER_TOPIC: `${topic}.dlq` });
  const inner = createKafkaPublisher({
    kafka: createKafka(config, logger, "test"),
    topic,
    deadLetterTopic: `${topic}.dlq`,
    timeoutMs: 1500,
    logger,
  });
  return createBatchingPublisher(inner, { maxWaitMs, maxMessages: 1000, timeoutMs: 1500, onFlush: (f) => flushes.push(f) });
}

async function serve(publisher: Publisher): Promise<RunningServer> {
  const app = createIngestApp({
    logger,
    registry: createRegistry("ingest", false),
    publisher,
    authenticator: unauthenticated,
    bodyLimit: "64kb",
    readiness: [],
  });
  return listen(app, 0, "127.0.0.1");
}

function event(operationId: string, pad = 0): OptrailEvent {
  const item = operationItem({ callId: "c-batch", operationId, status: "running", extra: pad ? { pad: "x".repeat(pad) } : {} });
  const result = eventsFromNotificationItem(item, {
    receivedAt: new Date().toISOString(),
    requestId: `r-${operationId}`,
    authenticated: false,
  });
  assert.ok(result.ok);
  return result.events[0]!;
}

describe("batching publisher (real Kafka)", () => {
  const topic = uniqueTopic("batch");
  let kafka: Kafka;
  const brokers = () => testConfig().KAFKA_BROKERS.join(",");

  before(async () => {
    const config = testConfig({ KAFKA_TOPIC: topic, KAFKA_DEAD_LETTER_TOPIC: `${topic}.dlq`, KAFKA_TOPIC_PARTITIONS: "3" });
    kafka = testKafka(config);
    await ensureTopics(kafka, config);
  });

  describe("when 40 webhook requests arrive at once", () => {
    const flushes: { messages: number; requests: number }[] = [];
    let publisher: Publisher;
    let server: RunningServer;
    before(async () => {
      publisher = batching(brokers(), topic, flushes);
      server = await serve(publisher);
      // The producer connects on the first send; warm it so the 40 requests meet in the same window.
      await postJson(`${server.url}/graph/notifications`, collection(operationItem({ callId: "c-batch", operationId: "warm-up" })));
      flushes.length = 0;
    });
    after(async () => {
      await server.close();
      await publisher.close();
    });

    it("then every one gets 202, every event lands on Kafka, in fewer sends than requests", async () => {
      const ids = Array.from({ length: 40 }, (_, i) => `op-batch-${i}`);
      const responses = await Promise.all(
        ids.map((operationId, i) =>
          postJson(
            `${server.url}/graph/notifications`,
            collection(
              operationItem({ callId: "c-batch", operationId, status: "running" }),
              ...(i % 4 === 0 ? [operationItem({ callId: "c-batch", operationId, status: "completed" })] : []),
            ),
          ),
        ),
      );
      assert.deepEqual(
        responses.map((r) => r.status),
        ids.map(() => 202),
      );
      const onTopic = await readAll(kafka, topic);
      for (const [i, id] of ids.entries()) {
        assert.equal(onTopic.filter((m) => m.key === id).length, i % 4 === 0 ? 2 : 1, id);
      }
      const eventIds = new Set(onTopic.map((m) => JSON.parse(m.value).meta.eventId as string));
      for (const r of responses) for (const e of r.body.eventIds as string[]) assert.ok(eventIds.has(e));
      assert.equal(
        flushes.reduce((n, f) => n + f.requests, 0),
        40,
      );
      assert.ok(flushes.length < 40, `${flushes.length} sends for 40 requests`);
      assert.ok(
        flushes.some((f) => f.requests > 1),
        JSON.stringify(flushes),
      );
    });
  });

  it("when the shared send fails, then every request waiting on it is rejected, not only the offending one", async () => {
    const flushes: { messages: number; requests: number }[] = [];
    const publisher = batching(brokers(), topic, flushes, 50);
    try {
      await publisher.publish([event("warm-up-2")]);
      flushes.length = 0;
      // One event larger than the broker's max.message.bytes (1 MB): the broker refuses the batch.
      const calls = [
        publisher.publish([event("ok-1")]),
        publisher.publish([event("too-big", 1_200_000)]),
        publisher.publish([event("ok-2")]),
      ];
      const started = Date.now();
      const results = await Promise.allSettled(calls);
      assert.deepEqual(
        results.map((r) => r.status),
        ["rejected", "rejected", "rejected"],
      );
      assert.ok(Date.now() - started < 1500, "rejected by the failed send, before the deadline");
      assert.deepEqual(flushes, [{ messages: 3, requests: 3 }]);
      // The next batch goes through again.
      await publisher.publish([event("ok-3")]);
    } finally {
      await publisher.close();
    }
  });

  it("when Kafka cannot be reached, then every waiting webhook request gets 503 within Graph's 3 s budget", async () => {
    const flushes: { messages: number; requests: number }[] = [];
    const publisher = batching("127.0.0.1:1", topic, flushes);
    const server = await serve(publisher);
    try {
      const started = Date.now();
      const responses = await Promise.all(
        [1, 2, 3, 4, 5].map((i) =>
          postJson(`${server.url}/graph/notifications`, collection(operationItem({ callId: "c-down", operationId: `op-down-${i}` }))),
        ),
      );
      assert.deepEqual(
        responses.map((r) => r.status),
        [503, 503, 503, 503, 503],
      );
      assert.ok(Date.now() - started < 3000, `answered in ${Date.now() - started} ms`);
      assert.equal(
        flushes.reduce((n, f) => n + f.requests, 0),
        5,
      );
    } finally {
      await server.close();
      await publisher.close().catch(() => undefined);
    }
  });
});
