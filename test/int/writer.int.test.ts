// The set-based writer on the real Postgres: array parameters (nulls, quotes, JSON, unicode) round-trip,
// and a large batch lands in one transaction equal to the reference fold.
import assert from "node:assert/strict";
import { after, before, beforeEach, describe, it } from "node:test";
import type { OperationObserved } from "../../services/core/index.js";
import type { Db } from "../../services/platform/db.js";
import { applyBatch } from "../../services/projector/writer.js";
import { resetTables, testDb } from "../support/db.js";
import { testConfig } from "../support/env.js";
import { opEvent } from "../support/events.js";
import { projectedStates, referenceStates, sortedEntries } from "../support/projection.js";

const toMessages = (events: unknown[], partition = 0) =>
  events.map((e, i) => ({ topic: "w", partition, offset: String(i), value: Buffer.from(JSON.stringify(e)) }));

describe("set-based writer (real Postgres)", () => {
  let db: Db;
  before(() => {
    db = testDb(testConfig());
  });
  beforeEach(() => resetTables(db));
  after(() => db.$disconnect());

  it("when values hold quotes, braces, unicode, nulls and JSON, then they round-trip exactly", async () => {
    const events = [
      opEvent({
        operationId: `o"1,{x}'`,
        callId: "c ☎",
        status: "running",
        clientContext: 'a"b\\c{}',
        // Escaped control characters, among them U+001E: the separator of the payloads parameter, which
        // JSON text only ever holds escaped.
        resource: { note: "ü ✓ \u001e\n\t", n: [1, { y: null }], "key order": { b: 1, a: 2 } },
      }),
      opEvent({ operationId: `o"1,{x}'`, callId: "c ☎", status: "failed", resultInfo: { code: 500, subcode: 8508, message: "NULL" } }),
      opEvent({ operationId: "plain", status: "notStarted" }),
    ];
    const result = await applyBatch(db, { projection: "main", topic: "w", partition: 0, messages: toMessages(events), now: new Date() });
    assert.equal(result.applied, 3);
    assert.deepEqual(sortedEntries(await projectedStates(db)), sortedEntries(referenceStates(events)));
    const history = await db.operationEvent.findMany({ orderBy: { offset: "asc" } });
    assert.deepEqual(
      history.map((h) => [h.operationId, h.statusAfter, h.resultMessage]),
      [
        [`o"1,{x}'`, "running", null],
        [`o"1,{x}'`, "failed", "NULL"],
        ["plain", "notStarted", null],
      ],
    );
    assert.deepEqual(history[0]!.payload, JSON.parse(JSON.stringify(events[0])));
    // The audit keeps each event exactly as it was on the topic, byte for byte.
    const stored = await db.$queryRaw<{ text: string }[]>`SELECT payload::text AS text FROM operation_event ORDER BY "offset"`;
    assert.deepEqual(
      stored.map((r) => r.text),
      events.map((e) => JSON.stringify(e)),
    );
  });

  it("when a batch of 5000 events over 1000 operations is applied in two halves, then rows equal the reference fold", async () => {
    const statuses = ["notStarted", "running", "completed", "failed"];
    const events: OperationObserved[] = [];
    for (let i = 0; i < 5000; i++) {
      const op = i % 1000;
      events.push(
        opEvent({
          operationId: `op-${op}`,
          callId: `call-${op % 13}`,
          status: statuses[(i * 7) % 4],
          eventId: `e-${i >= 4500 ? i - 4000 : i}`,
        }),
      );
    }
    const messages = toMessages(events, 3);
    const started = Date.now();
    await applyBatch(db, { projection: "main", topic: "w", partition: 3, messages: messages.slice(0, 2500), now: new Date() });
    await applyBatch(db, { projection: "main", topic: "w", partition: 3, messages, now: new Date() });
    const ms = Date.now() - started;
    assert.deepEqual(sortedEntries(await projectedStates(db)), sortedEntries(referenceStates(events)));
    assert.equal(await db.operationEvent.count(), 5000);
    assert.equal(await db.operationEvent.count({ where: { duplicate: true } }), 500);
    assert.ok(ms < 20_000, `5000 events took ${ms} ms`);
    console.log(`# set-based writer: 5000 events in ${ms} ms`);
  });
});
