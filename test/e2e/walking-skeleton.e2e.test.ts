// The whole pipeline as a user meets it: Graph posts to ingest, the API answers from Postgres.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { CALL_ID, CANCEL_OPERATION_ID, failedCancelNotification } from "../fixtures/graph.js";
import { getJson, postJson } from "../support/http.js";
import { startStack, type Stack } from "../support/stack.js";
import { resetTables, testDb } from "../support/db.js";
import { testConfig } from "../support/env.js";

describe("walking skeleton: webhook → Kafka → projector → Postgres → API", () => {
  let stack: Stack;
  before(async () => {
    const db = testDb(testConfig());
    await resetTables(db);
    await db.$disconnect();
    stack = await startStack();
  });
  after(async () => {
    await stack?.stop();
  });

  it("when the §2 example is posted, then within 2 s the API shows the failed cancellation and its history", async () => {
    const posted = await postJson(`${stack.ingestUrl}/graph/notifications`, failedCancelNotification());
    assert.equal(posted.status, 202);
    const acceptedAt = Date.now();

    let op: { status: number; body: any } | undefined;
    while (Date.now() - acceptedAt < 2000) {
      op = await getJson(`${stack.apiUrl}/operations/${CANCEL_OPERATION_ID}`);
      if (op.status === 200) break;
      await new Promise((r) => setTimeout(r, 25));
    }
    const visibleAfter = Date.now() - acceptedAt;
    assert.equal(op?.status, 200, `not visible within 2 s (last status ${op?.status})`);
    assert.ok(visibleAfter < 2000);
    assert.equal(op.body.status, "failed");
    assert.equal(op.body.type, "cancelMediaProcessingOperation");
    assert.equal(op.body.callId, CALL_ID);
    assert.equal(op.body.clientContext, "c0ffee00-1111-4222-8333-944455556666");
    assert.equal(op.body.all, true);
    assert.deepEqual(op.body.resultInfo, { code: 500, subcode: 9001, message: "Media processor unavailable." });

    const history = await getJson(`${stack.apiUrl}/operations/${CANCEL_OPERATION_ID}/history`);
    assert.equal(history.status, 200);
    assert.equal(history.body.events.length, 1);
    assert.equal(history.body.events[0].eventId, posted.body.eventIds[0]);
    assert.equal(history.body.events[0].statusAfter, "failed");
  });

  it("when an unknown operation is asked for, then 404 problem+json", async () => {
    const res = await getJson(`${stack.apiUrl}/operations/does-not-exist`);
    assert.equal(res.status, 404);
    assert.match(res.headers.get("content-type") ?? "", /application\/problem\+json/);
    assert.equal(res.body.status, 404);
  });

  it("when health and readiness are asked, then both services answer ready", async () => {
    for (const url of [stack.apiUrl, stack.ingestUrl, stack.projectorUrl]) {
      assert.equal((await getJson(`${url}/healthz`)).status, 200);
      const ready = await getJson(`${url}/readyz`);
      assert.equal(ready.status, 200, JSON.stringify(ready.body));
    }
    const metrics = await fetch(`${stack.apiUrl}/metrics`).then((r) => r.text());
    assert.match(metrics, /optrail_http_requests_total/);
  });

  it("when sent SIGTERM, then the process shuts down cleanly with exit code 0", async () => {
    const code = await stack.stop("SIGTERM");
    assert.equal(code, 0, stack.output());
  });
});
