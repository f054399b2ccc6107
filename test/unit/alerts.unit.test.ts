// The alert rules: which row changes raise an alert, once.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { alertsFor, evolve, NO_ALERTS, foldAll, stuckAlertFor, type OperationState } from "../../services/core/index.js";
import { planBatch } from "../../services/projector/projection.js";
import { opEvent } from "../support/events.js";

const at = new Date("2026-01-01T00:00:00Z");
const rules = { failedTypes: ["recordOperation"] };

function state(events: Parameters<typeof opEvent>[0][]): OperationState {
  return foldAll(events.map(opEvent)).values().next().value!;
}

describe("alert rules", () => {
  it("when a cancelMediaProcessingOperation fails, then one critical failed-cancellation alert is raised", () => {
    const after = state([
      {
        operationId: "c1",
        type: "cancelMediaProcessingOperation",
        status: "failed",
        resultInfo: { code: 500, subcode: 9001, message: "x" },
      },
    ]);
    const alerts = alertsFor(undefined, after, rules, at);
    assert.equal(alerts.length, 1);
    assert.equal(alerts[0]!.rule, "failed-cancellation");
    assert.equal(alerts[0]!.severity, "critical");
    assert.equal(alerts[0]!.idempotencyKey, "failed-cancellation:c1");
    assert.match(alerts[0]!.id, /^al_[0-9a-f]{32}$/);
  });

  it("when an operation is cancelled by a successful cancel (8508), then no alert is raised", () => {
    const after = state([
      { operationId: "p1", type: "recordOperation", status: "failed", resultInfo: { code: 400, subcode: 8508, message: "canceled" } },
    ]);
    assert.equal(after.outcome, "canceled");
    assert.deepEqual(alertsFor(undefined, after, rules, at), []);
  });

  it("when an already failed operation receives another event, then no second alert is drafted", () => {
    const first = opEvent({ operationId: "c2", type: "cancelMediaProcessingOperation", status: "failed" });
    const s1 = evolve(undefined, first).state;
    const s2 = evolve(s1, opEvent({ operationId: "c2", type: "cancelMediaProcessingOperation", status: "failed" })).state;
    assert.deepEqual(alertsFor(s1, s2, rules, at), []);
  });

  it("when a failed type is configured, then its failure raises failed-operation, other types none", () => {
    const rec = state([{ operationId: "r1", type: "recordOperation", status: "failed" }]);
    const play = state([{ operationId: "p2", type: "playPromptOperation", status: "failed" }]);
    assert.equal(alertsFor(undefined, rec, rules, at)[0]?.rule, "failed-operation");
    assert.deepEqual(alertsFor(undefined, play, rules, at), []);
    assert.deepEqual(alertsFor(undefined, rec, { failedTypes: [] }, at), []);
  });

  it("when events are replayed (rebuild), then even a failed cancellation drafts no alert", () => {
    const cancel = state([{ operationId: "c-replay", type: "cancelMediaProcessingOperation", status: "failed" }]);
    assert.equal(alertsFor(undefined, cancel, rules, at).length, 1);
    assert.deepEqual(alertsFor(undefined, cancel, NO_ALERTS, at), []);
  });

  it("when the sweeper drafts a stuck alert twice, then both drafts share id and idempotency key", () => {
    const s = state([{ operationId: "s1", status: "running" }]);
    const [a, b] = [stuckAlertFor(s, 5, at), stuckAlertFor(s, 5, new Date(at.getTime() + 60_000))];
    assert.equal(a.rule, "stuck-operation");
    assert.equal(a.id, b.id);
    assert.equal(a.idempotencyKey, b.idempotencyKey);
  });

  it("when a batch holds a failed cancellation three times, then the plan has exactly one alert", () => {
    const e = opEvent({ operationId: "c3", type: "cancelMediaProcessingOperation", status: "failed", eventId: "same" });
    const messages = [0, 1, 2].map((i) => ({ topic: "t", partition: 0, offset: String(i), value: Buffer.from(JSON.stringify(e)) }));
    const plan = planBatch(messages, new Map(), at);
    assert.equal(plan.alerts.length, 1);
  });
});
