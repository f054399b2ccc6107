// Bad input gets a clear problem+json answer and never reaches Kafka; a broker outage gets 503 in
// Graph's 3 s budget, and Graph's retry succeeds once the broker is back (the real broker is stopped).
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import type { Kafka } from "kafkajs";
import { collection, failedCancelNotification, operationItem } from "../fixtures/graph.js";
import { eventually } from "../support/db.js";
import { brokerControlUnavailable, startBroker, stopBroker } from "../support/broker.js";
import { testConfig } from "../support/env.js";
import { postJson } from "../support/http.js";
import { startTestIngest, type TestIngest } from "../support/ingest.js";
import { readAll, testKafka } from "../support/kafka.js";

async function post(url: string, body: string, contentType = "application/json") {
  const res = await fetch(url, { method: "POST", headers: contentType ? { "content-type": contentType } : {}, body });
  const text = await res.text();
  return { status: res.status, type: res.headers.get("content-type") ?? "", requestId: res.headers.get("x-request-id"), body: text };
}

describe("ingest under bad input (real Kafka)", () => {
  let ingest: TestIngest;
  let kafka: Kafka;
  before(async () => {
    ingest = await startTestIngest({ bodyLimit: "64kb" });
    kafka = testKafka(testConfig());
  });
  after(async () => {
    await ingest.close();
  });

  const valid = JSON.stringify(failedCancelNotification());
  const deep = `{"value":[{"changeType":"updated","resourceUrl":"/communications/calls/c/operations/o","resourceData":{"x":${"[".repeat(5000)}${"]".repeat(5000)}}}]}`;
  const cases: [string, string, string, number][] = [
    ["text/plain", valid, "text/plain", 415],
    ["application/xml", "<value/>", "application/xml", 415],
    ["form data", "value=1", "application/x-www-form-urlencoded", 415],
    ["no content type", valid, "", 415],
    ["a body over the limit", JSON.stringify(collection({ pad: "x".repeat(70_000) })), "application/json", 413],
    ["malformed JSON", '{"value": [', "application/json", 400],
    ["a JSON string", '"hello"', "application/json", 400],
    ["JSON null", "null", "application/json", 400],
    ["an empty body", "", "application/json", 400],
    ["an empty object", "{}", "application/json", 400],
    ["an empty value array", '{"value":[]}', "application/json", 400],
    ["value that is not an array", '{"value":"x"}', "application/json", 400],
    ["a top-level array", "[1,2]", "application/json", 400],
    ["only invalid items", JSON.stringify(collection({ changeType: "updated" }, 42, null)), "application/json", 400],
    ["nesting 5000 levels deep", deep, "application/json", 400],
    ["an unsupported charset", valid, "application/json; charset=ebcdic", 415],
  ];
  for (const [what, body, type, status] of cases) {
    it(`when the body is ${what}, then ${status} problem+json with the request id`, async () => {
      const res = await post(`${ingest.url}/graph/notifications`, body, type);
      assert.equal(res.status, status, res.body);
      assert.match(res.type, /^application\/problem\+json/);
      const problem = JSON.parse(res.body);
      assert.equal(problem.status, status);
      assert.ok(problem.title && problem.detail, res.body);
      assert.equal(problem.requestId, res.requestId);
    });
  }

  it("when the action-response route gets bad input, then it answers the same way", async () => {
    assert.equal((await post(`${ingest.url}/graph/action-responses`, "{}", "text/plain")).status, 415);
    assert.equal((await post(`${ingest.url}/graph/action-responses`, "{", "application/json")).status, 400);
    assert.equal((await post(`${ingest.url}/graph/action-responses`, JSON.stringify({ pad: "x".repeat(70_000) }))).status, 413);
  });

  it("when all those requests are done, then nothing reached Kafka", async () => {
    assert.equal((await readAll(kafka, ingest.topic)).length, 0);
    assert.equal((await readAll(kafka, ingest.dlq)).length, 0);
  });
});

describe("ingest when the broker goes down and comes back (the real broker is stopped)", { skip: brokerControlUnavailable() }, () => {
  let ingest: TestIngest;
  let kafka: Kafka;
  before(async () => {
    ingest = await startTestIngest({ publishTimeoutMs: 2500 });
    kafka = testKafka(testConfig());
  });
  after(async () => {
    await startBroker(); // whatever happened, leave a running broker behind
    await ingest.close();
  });

  it("when Kafka is stopped, then 503 within 3 s and nothing is stored; when it is back, Graph's retried POST gets 202", async () => {
    const before = collection(operationItem({ callId: "c-outage", operationId: "op-before", status: "running" }));
    assert.equal((await postJson(`${ingest.url}/graph/notifications`, before)).status, 202, "warm-up with the broker up");

    await stopBroker();
    const during = collection(operationItem({ callId: "c-outage", operationId: "op-during", status: "completed" }));
    const latencies: number[] = [];
    for (let attempt = 0; attempt < 3; attempt++) {
      const started = Date.now();
      const res = await postJson(`${ingest.url}/graph/notifications`, during);
      latencies.push(Date.now() - started);
      assert.equal(res.status, 503, JSON.stringify(res.body));
      assert.match(res.headers.get("content-type") ?? "", /application\/problem\+json/);
      assert.equal(res.body.requestId, res.headers.get("x-request-id"));
    }
    assert.ok(Math.max(...latencies) < 3000, `503 answered in ${latencies.join(", ")} ms`);
    assert.equal(ingest.publisher.isConnected(), false, "readiness no longer trusts the producer");
    console.log(`# 503 latencies with the broker down: ${latencies.join(", ")} ms`);

    const restartedAt = Date.now();
    await startBroker();
    let retried: Awaited<ReturnType<typeof postJson>> | undefined;
    let attempts = 0;
    let retryMs = 0;
    while (Date.now() - restartedAt < 60_000) {
      attempts += 1;
      const started = Date.now();
      retried = await postJson(`${ingest.url}/graph/notifications`, during);
      retryMs = Date.now() - started;
      if (retried.status === 202) break;
      await new Promise((r) => setTimeout(r, 1000));
    }
    console.log(
      `# retried POST after restart: ${retried?.status} after ${attempts} attempt(s) (last took ${retryMs} ms), ${Date.now() - restartedAt} ms after the restart began`,
    );
    assert.equal(retried?.status, 202, JSON.stringify(retried?.body));
    assert.equal(ingest.publisher.isConnected(), true);

    // the test's own admin client may see stale leadership right after the restart: retry the read
    const stored = (await eventually(() => readAll(kafka, ingest.topic), 30_000, 500)).map((m) => JSON.parse(m.value));
    const ofDuring = stored.filter((e) => e.data.operationId === "op-during");
    assert.ok(ofDuring.length >= 1, "the retried notification is on the topic");
    assert.ok(
      ofDuring.every((e) => e.meta.eventId === retried!.body.eventIds[0]),
      "any copy a timed-out attempt left behind has the same event id (the projector flags it duplicate)",
    );
    console.log(`# copies of the outage notification on the topic: ${ofDuring.length}`);
  });
});
