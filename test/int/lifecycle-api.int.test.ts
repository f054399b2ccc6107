// Lifecycle notifications reach operators: ingest → Kafka → projector → Postgres → GET /lifecycle-events,
// all real. Call and participant items land in history by call.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { createApiApp } from "../../services/api/app.js";
import type { Db } from "../../services/platform/db.js";
import { createKafka } from "../../services/platform/kafka.js";
import { listen, type RunningServer } from "../../services/platform/http.js";
import { createLogger } from "../../services/platform/logger.js";
import { createRegistry } from "../../services/platform/metrics.js";
import { createProjector } from "../../services/projector/consumer.js";
import { collection } from "../fixtures/graph.js";
import { eventually, resetTables, testDb } from "../support/db.js";
import { testConfig } from "../support/env.js";
import { getJson, postJson } from "../support/http.js";
import { startTestIngest, type TestIngest } from "../support/ingest.js";

const logger = createLogger({ level: "silent", name: "test" });

function lifecycle(subscriptionId: string, lifecycleEvent: string) {
  return { subscriptionId, clientState: "state", lifecycleEvent, resource: "communications/callRecords", tenantId: "tenant-1" };
}

describe("GET /lifecycle-events (ingest, Kafka, projector, Postgres, api: all real)", () => {
  let ingest: TestIngest;
  let db: Db;
  let api: RunningServer;
  let stopProjector: () => Promise<void>;

  before(async () => {
    ingest = await startTestIngest();
    const config = testConfig({ KAFKA_TOPIC: ingest.topic });
    db = testDb(config);
    await resetTables(db);
    const projector = createProjector({
      kafka: createKafka(config, logger, "test-projector"),
      db,
      logger,
      registry: createRegistry("projector", false),
      topic: ingest.topic,
      groupId: `g-${ingest.topic}`,
      projection: "main",
    });
    await projector.start();
    stopProjector = () => projector.stop();
    api = await listen(createApiApp({ db, logger, registry: createRegistry("api", false), readiness: [] }), 0, "127.0.0.1");

    for (const body of [
      { value: [lifecycle("sub-1", "reauthorizationRequired")] },
      { value: [lifecycle("sub-2", "missed")] },
      { value: [lifecycle("sub-1", "missed"), lifecycle("sub-1", "subscriptionRemoved")] },
      collection({
        changeType: "updated",
        resourceUrl: "/communications/calls/call-L/participants",
        resourceData: [{ "@odata.type": "#microsoft.graph.participant", id: "p-1" }],
      }),
    ]) {
      assert.equal((await postJson(`${ingest.url}/graph/notifications`, body)).status, 202);
      await new Promise((r) => setTimeout(r, 5)); // distinct receipt times
    }
    await eventually(async () => ((await db.operationEvent.count()) >= 5 ? true : undefined), 20_000);
  });
  after(async () => {
    await stopProjector();
    await api.close();
    await ingest.close();
    await db.$disconnect();
  });

  it("when operators list lifecycle events, then all are there, newest first, with subscription and resource", async () => {
    const res = await getJson(`${api.url}/lifecycle-events`);
    assert.equal(res.status, 200);
    assert.equal(res.body.events.length, 4);
    const times = res.body.events.map((e: { receivedAt: string }) => e.receivedAt);
    assert.deepEqual(times, [...times].sort().reverse());
    assert.equal(res.body.events.at(-1).lifecycleEvent, "reauthorizationRequired");
    assert.equal(res.body.events.at(-1).subscriptionId, "sub-1");
    assert.equal(res.body.events.at(-1).resource, "communications/callRecords");
    assert.equal(res.body.events.at(-1).tenantId, "tenant-1");
  });

  it("when filtered by subscription, by event, or limited, then only those come back", async () => {
    const bySub = await getJson(`${api.url}/lifecycle-events?subscriptionId=sub-1`);
    assert.deepEqual(bySub.body.events.map((e: { lifecycleEvent: string }) => e.lifecycleEvent).sort(), [
      "missed",
      "reauthorizationRequired",
      "subscriptionRemoved",
    ]);
    const missed = await getJson(`${api.url}/lifecycle-events?event=missed`);
    assert.deepEqual(missed.body.events.map((e: { subscriptionId: string }) => e.subscriptionId).sort(), ["sub-1", "sub-2"]);
    const both = await getJson(`${api.url}/lifecycle-events?event=missed&subscriptionId=sub-2`);
    assert.equal(both.body.events.length, 1);
    const limited = await getJson(`${api.url}/lifecycle-events?limit=2`);
    assert.equal(limited.body.events.length, 2);
  });

  for (const query of ["limit=0", "limit=501", "limit=abc", "limit=1.5", `subscriptionId=${"x".repeat(201)}`, "event="]) {
    it(`when the query is ${query.slice(0, 20)}, then 400 problem+json`, async () => {
      const res = await getJson(`${api.url}/lifecycle-events?${query}`);
      assert.equal(res.status, 400, JSON.stringify(res.body));
      assert.match(res.headers.get("content-type") ?? "", /application\/problem\+json/);
    });
  }

  it("when a participant item was posted, then it is in the history by call (kind call)", async () => {
    const rows = await db.operationEvent.findMany({ where: { callId: "call-L" } });
    assert.equal(rows.length, 1);
    assert.equal(rows[0]!.kind, "call");
    assert.equal(rows[0]!.resourceType, "participant");
  });
});
