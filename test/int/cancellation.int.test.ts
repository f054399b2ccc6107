// GET /operations/:id links a canceled operation to the cancelMediaProcessing of its call (real Postgres).
import assert from "node:assert/strict";
import { after, before, beforeEach, describe, it } from "node:test";
import { createApiApp } from "../../services/api/app.js";
import type { Db } from "../../services/platform/db.js";
import { listen, type RunningServer } from "../../services/platform/http.js";
import { createLogger } from "../../services/platform/logger.js";
import { createRegistry } from "../../services/platform/metrics.js";
import { applyBatch } from "../../services/projector/writer.js";
import { resetTables, testDb } from "../support/db.js";
import { testConfig } from "../support/env.js";
import { opEvent } from "../support/events.js";
import { getJson } from "../support/http.js";

const at = (minute: number) => new Date(Date.UTC(2026, 2, 1, 10, minute)).toISOString();

describe("cancellation link (real Postgres)", () => {
  let db: Db;
  let api: RunningServer;
  before(async () => {
    db = testDb(testConfig());
    api = await listen(
      createApiApp({ db, logger: createLogger({ level: "silent", name: "t" }), registry: createRegistry("a", false), readiness: [] }),
      0,
      "127.0.0.1",
    );
  });
  beforeEach(() => resetTables(db));
  after(async () => {
    await api.close();
    await db.$disconnect();
  });

  it("when an operation fails with 8508 after a cancelMediaProcessing on its call, then canceledBy names that cancel", async () => {
    const cancel = "cancelMediaProcessingOperation";
    const events = [
      opEvent({ operationId: "old-cancel", callId: "X", type: cancel, status: "completed", at: at(1) }),
      opEvent({ operationId: "prompt", callId: "X", status: "running", at: at(2) }),
      opEvent({ operationId: "the-cancel", callId: "X", type: cancel, status: "running", at: at(5), clientContext: "ctx-c" }),
      opEvent({ operationId: "other-call-cancel", callId: "Y", type: cancel, status: "completed", at: at(6) }),
      opEvent({
        operationId: "prompt",
        callId: "X",
        status: "failed",
        at: at(7),
        resultInfo: { code: 400, subcode: 8508, message: "canceled" },
      }),
      opEvent({ operationId: "later-cancel", callId: "X", type: cancel, status: "running", at: at(9) }),
      opEvent({
        operationId: "plain-failure",
        callId: "X",
        status: "failed",
        at: at(8),
        resultInfo: { code: 500, subcode: 9001, message: "x" },
      }),
    ];
    const messages = events.map((e, i) => ({ topic: "c", partition: 0, offset: String(i), value: Buffer.from(JSON.stringify(e)) }));
    await applyBatch(db, { projection: "main", topic: "c", partition: 0, messages, now: new Date() });

    const prompt = await getJson(`${api.url}/operations/prompt`);
    assert.equal(prompt.body.outcome, "canceled");
    assert.deepEqual(prompt.body.canceledBy, {
      id: "the-cancel",
      status: "running",
      outcome: null,
      clientContext: "ctx-c",
      firstSeenAt: at(5),
      lastChangedAt: at(5),
    });
    assert.equal((await getJson(`${api.url}/operations/plain-failure`)).body.canceledBy, null);
    assert.equal((await getJson(`${api.url}/operations/the-cancel`)).body.canceledBy, null);
  });

  it("when a canceled operation's call has no known cancel, then canceledBy is null", async () => {
    const e = opEvent({ operationId: "alone", callId: "Z", status: "failed", completionReason: "operationCanceled" });
    await applyBatch(db, {
      projection: "main",
      topic: "c",
      partition: 1,
      messages: [{ topic: "c", partition: 1, offset: "0", value: Buffer.from(JSON.stringify(e)) }],
      now: new Date(),
    });
    const body = (await getJson(`${api.url}/operations/alone`)).body;
    assert.equal(body.outcome, "canceled");
    assert.equal(body.canceledBy, null);
  });
});
