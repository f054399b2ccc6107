// The pure batch plan: history flags for every message, poison events become dead letters and the
// batch goes on (no services).
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { evolve } from "../../services/core/index.js";
import { planBatch } from "../../services/core/projection.js";
import { opEvent } from "../support/events.js";

const msgs = (events: unknown[]) =>
  events.map((e, i) => ({ topic: "t", partition: 0, offset: String(i), value: Buffer.from(JSON.stringify(e)) }));

describe("batch plan", () => {
  it("when running arrives after completed, then history records it as stale and the row keeps completed", () => {
    const plan = planBatch(
      msgs([opEvent({ status: "running" }), opEvent({ status: "completed" }), opEvent({ status: "running" })]),
      new Map(),
      new Date(0),
    );
    assert.deepEqual(
      plan.history.map((h) => [h.statusBefore, h.statusAfter, h.stale]),
      [
        [null, "running", false],
        ["running", "completed", false],
        ["completed", "completed", true],
      ],
    );
    assert.equal(plan.operations.get("op-1")?.status, "completed");
  });

  it("when a second, different terminal status and a duplicate arrive, then history flags both and the first terminal wins", () => {
    const done = opEvent({ status: "completed" });
    const plan = planBatch(msgs([done, opEvent({ status: "failed" }), done]), new Map(), new Date(0));
    assert.deepEqual(
      plan.history.map((h) => [h.conflict, h.duplicate]),
      [
        [false, false],
        [true, false],
        [false, true],
      ],
    );
    const row = plan.operations.get("op-1")!;
    assert.equal(row.status, "completed");
    assert.equal(row.conflict, true);
    assert.equal(row.conflictStatus, "failed");
    assert.equal(row.eventCount, 2);
  });

  it("when an event names another call than its operation's, then the fold refuses it and the plan dead-letters it and goes on", () => {
    const first = opEvent({ operationId: "x", callId: "A", status: "running" });
    const intruder = opEvent({ operationId: "x", callId: "B", status: "failed" });
    assert.throws(() => evolve(evolve(undefined, first).state, intruder), /belongs to call A/);
    const plan = planBatch(
      msgs([first, intruder, opEvent({ operationId: "x", callId: "A", status: "completed" })]),
      new Map(),
      new Date(0),
    );
    assert.equal(plan.deadLetters.length, 1);
    assert.equal(plan.deadLetters[0]!.offset, 1n);
    assert.match(plan.deadLetters[0]!.error, /^fold failed: .*belongs to call A/);
    assert.equal(plan.history.length, 2);
    assert.equal(plan.operations.get("x")?.status, "completed");
  });

  it("when a message holds a raw U+001E (the history payloads' separator), then it is a dead letter, not a payload", () => {
    const text = JSON.stringify(opEvent({ status: "running", clientContext: "CTX" }));
    const raw = [text.replace('"CTX"', '"C\x1eTX"'), `\x1e${text}`, text.replace(",", ",\x1e")];
    const plan = planBatch(
      [...raw, text.replace('"CTX"', '"C\\u001eTX"')].map((t, i) => ({
        topic: "t",
        partition: 0,
        offset: String(i),
        value: Buffer.from(t),
      })),
      new Map(),
      new Date(0),
    );
    assert.deepEqual(
      plan.deadLetters.map((d) => [d.offset, d.error.split(":")[0]]),
      [
        [0n, "not JSON"],
        [1n, "not JSON"],
        [2n, "not JSON"],
      ],
    );
    // Escaped, it is an ordinary character: the payload keeps the escape, so it never holds the separator raw.
    assert.equal(plan.history.length, 1);
    assert.ok(!plan.history[0]!.payload.includes("\x1e"));
    assert.ok(plan.history[0]!.payload.includes("\\u001e"));
  });

  it("when a message is not JSON or not an optrail event, then it is a dead letter with the reason", () => {
    const plan = planBatch(
      [
        { topic: "t", partition: 0, offset: "0", value: Buffer.from("{nope") },
        {
          topic: "t",
          partition: 0,
          offset: "1",
          value: Buffer.from(JSON.stringify({ type: "OperationObserved", meta: { eventId: "e" } })),
        },
        { topic: "t", partition: 0, offset: "2", value: null },
      ],
      new Map(),
      new Date(0),
    );
    assert.deepEqual(
      plan.deadLetters.map((d) => [d.offset, d.eventId, d.error.split(":")[0]]),
      [
        [0n, null, "not JSON"],
        [1n, "e", "not an optrail event"],
        [2n, null, "empty message"],
      ],
    );
  });
});
