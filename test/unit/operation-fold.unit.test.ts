import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { evolve, foldAll, outcomeOf, type OperationState } from "../../services/core/index.js";
import { opEvent } from "../support/events.js";

const fold = (...events: ReturnType<typeof opEvent>[]) => {
  let state: OperationState | undefined;
  const effects = [];
  for (const e of events) {
    const r = evolve(state, e);
    state = r.state;
    effects.push(r.effect.kind);
  }
  if (!state) throw new Error("no state");
  return { state, effects };
};

describe("operation fold", () => {
  it("when the first event arrives, then the operation is created with its fields", () => {
    const { state, effects } = fold(
      opEvent({ status: "running", clientContext: "ctx", all: true, type: "cancelMediaProcessingOperation", callId: "c9" }),
    );
    assert.deepEqual(effects, ["created"]);
    assert.equal(state.status, "running");
    assert.equal(state.type, "cancelMediaProcessingOperation");
    assert.equal(state.callId, "c9");
    assert.equal(state.clientContext, "ctx");
    assert.equal(state.all, true);
    assert.equal(state.eventCount, 1);
    assert.equal(state.outcome, null);
  });

  it("when status moves notStarted → running → completed, then each step advances", () => {
    const { state, effects } = fold(opEvent({ status: "notStarted" }), opEvent({ status: "running" }), opEvent({ status: "completed" }));
    assert.deepEqual(effects, ["created", "advanced", "advanced"]);
    assert.equal(state.status, "completed");
    assert.equal(state.outcome, "succeeded");
  });

  it("when running arrives after completed, then it is stale and the row keeps completed", () => {
    const done = opEvent({ status: "completed", resultInfo: { code: 200, subcode: 0, message: "ok" } });
    const late = opEvent({ status: "running", resultInfo: { code: 100, subcode: 1, message: "late" } });
    const { state, effects } = fold(done, late);
    assert.deepEqual(effects, ["created", "stale"]);
    assert.equal(state.status, "completed");
    assert.equal(state.resultMessage, "ok");
    assert.equal(state.eventCount, 2);
    assert.equal(state.lastChangedAt.toISOString(), done.meta.receivedAt);
  });

  it("when a different terminal status follows, then the first wins and a conflict is flagged", () => {
    const { state, effects } = fold(
      opEvent({ status: "completed" }),
      opEvent({ status: "failed", resultInfo: { code: 500, subcode: 1, message: "x" } }),
    );
    assert.deepEqual(effects, ["created", "conflict"]);
    assert.equal(state.status, "completed");
    assert.equal(state.conflict, true);
    assert.equal(state.conflictStatus, "failed");
    assert.equal(state.outcome, "succeeded");
  });

  it("when the same event id arrives twice, then the second changes nothing", () => {
    const e = opEvent({ status: "running" });
    const first = evolve(undefined, e);
    const second = evolve(first.state, e);
    assert.equal(second.effect.kind, "duplicate");
    assert.deepEqual(second.state, first.state);
  });

  it("when a later event lacks fields, then known fields are not erased", () => {
    const { state } = fold(
      opEvent({ status: "running", clientContext: "ctx-1", completionReason: "none" }),
      opEvent({ status: "completed" }),
    );
    assert.equal(state.clientContext, "ctx-1");
    assert.equal(state.completionReason, "none");
  });

  it("when the status-setting event has fields, then they replace the earlier ones", () => {
    const { state } = fold(
      opEvent({ status: "running", resultInfo: { code: 100, subcode: 0, message: "working" } }),
      opEvent({ status: "failed", resultInfo: { code: 500, subcode: 9001, message: "Media processor unavailable." } }),
    );
    assert.equal(state.resultCode, 500);
    assert.equal(state.resultSubcode, 9001);
    assert.equal(state.resultMessage, "Media processor unavailable.");
    assert.equal(state.outcome, "failed");
  });

  it("when an operation fails with subcode 8508, then its outcome is canceled", () => {
    const { state } = fold(opEvent({ status: "failed", resultInfo: { code: 400, subcode: 8508, message: "canceled" } }));
    assert.equal(state.outcome, "canceled");
    assert.equal(outcomeOf("failed", null, "operationCanceled"), "canceled");
    assert.equal(outcomeOf("failed", 9001, null), "failed");
    assert.equal(outcomeOf("running", 8508, null), null);
  });

  it("when events arrive out of time order, then first/last seen are the min/max receipt times", () => {
    const { state } = fold(
      opEvent({ status: "running", at: "2026-01-01T00:00:10.000Z" }),
      opEvent({ status: "completed", at: "2026-01-01T00:00:05.000Z" }),
    );
    assert.equal(state.firstSeenAt.toISOString(), "2026-01-01T00:00:05.000Z");
    assert.equal(state.lastSeenAt.toISOString(), "2026-01-01T00:00:10.000Z");
  });

  it("when an unknown future status arrives, then it never ends the operation", () => {
    const { state } = fold(opEvent({ status: "running" }), opEvent({ status: "unknownFutureValue" }), opEvent({ status: "completed" }));
    assert.equal(state.status, "completed");
  });

  it("when an event belongs to another operation, then evolve refuses it", () => {
    const a = evolve(undefined, opEvent({ operationId: "a", status: "running" }));
    assert.throws(() => evolve(a.state, opEvent({ operationId: "b", status: "running" })), /folded into a/);
  });

  it("when the same terminal status repeats with other fields, then the first terminal event's fields stay", () => {
    const { state, effects } = fold(
      opEvent({ status: "failed", resultInfo: { code: 500, subcode: 9001, message: "first" } }),
      opEvent({ status: "failed", resultInfo: { code: 400, subcode: 8508, message: "second" }, completionReason: "operationCanceled" }),
    );
    assert.deepEqual(effects, ["created", "unchanged"]);
    assert.deepEqual([state.resultCode, state.resultSubcode, state.resultMessage], [500, 9001, "first"]);
    // A field the winner lacked is filled (not replaced), and the outcome follows the known fields.
    assert.equal(state.completionReason, "operationCanceled");
    assert.equal(state.outcome, "canceled");
  });

  it("when a conflicting terminal carries resultInfo, then the winner's resultInfo stays", () => {
    const { state } = fold(
      opEvent({ status: "completed", resultInfo: { code: 200, subcode: 0, message: "ok" } }),
      opEvent({ status: "failed", resultInfo: { code: 500, subcode: 9001, message: "late failure" } }),
    );
    assert.deepEqual([state.status, state.outcome, state.resultCode, state.resultMessage], ["completed", "succeeded", 200, "ok"]);
  });

  it("when an event without status follows, then it fills unknown fields and never changes the status", () => {
    const { state, effects } = fold(opEvent({ status: "running" }), opEvent({ clientContext: "late-ctx" }));
    assert.deepEqual(effects, ["created", "updated"]);
    assert.equal(state.status, "running");
    assert.equal(state.clientContext, "late-ctx");
  });

  it("when completionReason is operationCanceled without subcode 8508, then the outcome is canceled", () => {
    assert.equal(outcomeOf("failed", 500, "operationCanceled"), "canceled");
    assert.equal(outcomeOf("failed", null, null), "failed");
    assert.equal(outcomeOf("running", 8508, null), null);
  });

  it("when an event names another call than the operation's, then evolve refuses it (poison)", () => {
    const { state } = fold(opEvent({ operationId: "o", callId: "A", status: "running" }));
    assert.throws(() => evolve(state, opEvent({ operationId: "o", callId: "B", status: "completed" })), /belongs to call A/);
  });

  it("when many operations interleave, then foldAll keeps them apart", () => {
    const states = foldAll([
      opEvent({ operationId: "x", status: "running" }),
      opEvent({ operationId: "y", status: "failed" }),
      opEvent({ operationId: "x", status: "completed" }),
    ]);
    assert.equal(states.get("x")?.status, "completed");
    assert.equal(states.get("y")?.status, "failed");
    assert.equal(states.size, 2);
  });
});
