// The webhook against the real broker: what Graph posts lands on Kafka, or gets a clear no.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import type { Kafka } from "kafkajs";
import { createIngestApp } from "../../services/ingest/app.js";
import { unauthenticated } from "../../services/ingest/auth.js";
import { createKafkaPublisher, type Publisher } from "../../services/ingest/publisher.js";
import { listen, type RunningServer } from "../../services/platform/http.js";
import { createKafka, ensureTopics } from "../../services/platform/kafka.js";
import { createLogger } from "../../services/platform/logger.js";
import { createRegistry } from "../../services/platform/metrics.js";
import { CANCEL_OPERATION_ID, collection, failedCancelNotification, operationItem } from "../fixtures/graph.js";
import { testConfig, uniqueTopic } from "../support/env.js";
import { postJson } from "../support/http.js";
import { readAll, testKafka } from "../support/kafka.js";

const logger = createLogger({ level: "silent", name: "test" });

async function startIngest(brokers: string, topic: string, dlq: string) {
  const config = testConfig({
    KAFKA_BROKERS: brokers,
    KAFKA_TOPIC: topic,
    KAFKA_DEAD_LETTER_TOPIC: dlq,
    INGEST_PUBLISH_TIMEOUT_MS: "1500",
  });
  const publisher = createKafkaPublisher({
    kafka: createKafka(config, logger, "test"),
    topic,
    deadLetterTopic: dlq,
    timeoutMs: config.INGEST_PUBLISH_TIMEOUT_MS,
    logger,
  });
  const app = createIngestApp({
    logger,
    registry: createRegistry("ingest", false),
    publisher,
    authenticator: unauthenticated,
    bodyLimit: "64kb",
    readiness: [],
  });
  return { server: await listen(app, 0, "127.0.0.1"), publisher };
}

describe("ingest webhook (real Kafka)", () => {
  const topic = uniqueTopic("ingest");
  const dlq = `${topic}.dlq`;
  let kafka: Kafka;
  let server: RunningServer;
  let publisher: Publisher;

  before(async () => {
    const config = testConfig({ KAFKA_TOPIC: topic, KAFKA_DEAD_LETTER_TOPIC: dlq, KAFKA_TOPIC_PARTITIONS: "3" });
    kafka = testKafka(config);
    await ensureTopics(kafka, config);
    ({ server, publisher } = await startIngest(config.KAFKA_BROKERS.join(","), topic, dlq));
  });
  after(async () => {
    await server.close();
    await publisher.close();
  });

  it("when the §2 example is posted, then 202 comes after Kafka holds one event keyed by operation id", async () => {
    const res = await postJson(`${server.url}/graph/notifications`, failedCancelNotification());
    assert.equal(res.status, 202);
    assert.equal(res.body.accepted, 1);
    const messages = await readAll(kafka, topic);
    const mine = messages.filter((m) => m.key === CANCEL_OPERATION_ID);
    assert.equal(mine.length, 1);
    const event = JSON.parse(mine[0]!.value);
    assert.equal(event.type, "OperationObserved");
    assert.equal(event.meta.eventId, res.body.eventIds[0]);
    assert.equal(event.meta.requestId, res.headers.get("x-request-id"));
    assert.equal(mine[0]!.headers["event-type"], "OperationObserved");
  });

  it("when a validation token is posted, then it is echoed as text/plain", async () => {
    const res = await fetch(`${server.url}/graph/notifications?validationToken=${encodeURIComponent("a b+c/d")}`, { method: "POST" });
    assert.equal(res.status, 200);
    assert.match(res.headers.get("content-type") ?? "", /^text\/plain/);
    assert.equal(await res.text(), "a b+c/d");
  });

  it("when the content type is not JSON, then 415 problem+json", async () => {
    const res = await fetch(`${server.url}/graph/notifications`, { method: "POST", headers: { "content-type": "text/plain" }, body: "hi" });
    assert.equal(res.status, 415);
    assert.match(res.headers.get("content-type") ?? "", /application\/problem\+json/);
    const body = (await res.json()) as { status: number; requestId?: string };
    assert.equal(body.status, 415);
    assert.ok(body.requestId);
  });

  it("when the JSON is malformed, then 400 problem+json", async () => {
    const res = await postJson(`${server.url}/graph/notifications`, "{not json");
    assert.equal(res.status, 400);
    assert.equal(res.body.title, "Malformed JSON");
  });

  it("when the body is larger than the limit, then 413", async () => {
    const res = await postJson(`${server.url}/graph/notifications`, { value: [{ pad: "x".repeat(70_000) }] });
    assert.equal(res.status, 413);
  });

  it("when no item is valid, then 400 naming each problem, and nothing reaches Kafka", async () => {
    const before = (await readAll(kafka, topic)).length;
    const res = await postJson(`${server.url}/graph/notifications`, collection({ resourceData: {} }));
    assert.equal(res.status, 400);
    assert.ok(res.body.errors.some((e: { path: string }) => e.path === "value.0.changeType"));
    assert.equal((await readAll(kafka, topic)).length, before);
  });

  it("when some items are bad, then the good ones become events and the bad ones dead letters", async () => {
    const good = operationItem({ callId: "c-mixed", operationId: "op-mixed", status: "running" });
    const res = await postJson(`${server.url}/graph/notifications`, collection(good, { changeType: "updated" }));
    assert.equal(res.status, 202);
    assert.equal(res.body.accepted, 1);
    assert.equal(res.body.deadLettered, 1);
    assert.equal((await readAll(kafka, topic)).filter((m) => m.key === "op-mixed").length, 1);
    const dead = (await readAll(kafka, dlq)).map((m) => JSON.parse(m.value));
    assert.ok(dead.some((d) => d.requestId === res.headers.get("x-request-id") && d.issues.length > 0));
  });

  it("when Kafka cannot be reached, then 503 problem+json within Graph's 3 s budget", async () => {
    const down = await startIngest("127.0.0.1:1", topic, dlq);
    try {
      const started = Date.now();
      const res = await postJson(`${down.server.url}/graph/notifications`, failedCancelNotification());
      const elapsed = Date.now() - started;
      assert.equal(res.status, 503);
      assert.equal(res.body.status, 503);
      assert.ok(elapsed < 3000, `answered in ${elapsed} ms`);
    } finally {
      await down.server.close();
      await down.publisher.close().catch(() => undefined);
    }
  });
});
