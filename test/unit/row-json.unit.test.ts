// The projection rows' hand-written JSON (services/platform/row-json.ts) against JSON.stringify of the same
// fields: every key, every null, escapes and timestamps.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { OperationState } from "../../services/core/index.js";
import type { HistoryRow } from "../../services/core/projection.js";
import { historyJson, operationJson, time } from "../../services/platform/row-json.js";

const NASTY = ['quote " backslash \\ slash /', "control \u0000\u001e\n\t", "unicode ü ✓ 通話 😀", "lone \ud800 surrogate", ""];

function state(i: number): OperationState {
  const pick = <T>(values: T[]) => values[i % values.length]!;
  return {
    id: `op-${pick(NASTY)}`,
    callId: "call-1",
    tenantId: pick([null, "tenant"]),
    type: "cancelMediaProcessingOperation",
    status: pick(["running", "failed"]),
    outcome: pick([null, "failed", "canceled"]),
    clientContext: pick([null, ...NASTY]),
    resultCode: pick([null, 0, 500, -1]),
    resultSubcode: pick([null, 8508]),
    resultMessage: pick([null, ...NASTY]),
    all: pick([null, true, false]),
    completionReason: pick([null, "stopToneCompleted"]),
    conflict: pick([false, true]),
    conflictStatus: pick([null, "completed"]),
    firstSeenAt: new Date(Date.UTC(2026, 0, 1, 0, 0, i)),
    lastSeenAt: new Date(Date.UTC(1999, 11, 31, 23, 59, 59, 999)),
    lastChangedAt: new Date(Date.UTC(2026, 1, 28)),
    eventCount: i,
    eventIds: pick([[], ["a"], ["a", pick(NASTY)]]),
    extra: pick([null, {}, { "@odata.etag": 'W/"1"', nested: { list: [1, null, "x"] } }]),
  };
}

function historyRow(i: number): HistoryRow {
  const pick = <T>(values: T[]) => values[i % values.length]!;
  return {
    eventId: `ev-${i}`,
    kind: pick(["operation", "call", "lifecycle"]),
    source: "notification",
    operationId: pick([null, `op-${pick(NASTY)}`]),
    callId: pick([null, "call"]),
    tenantId: pick([null, "tenant"]),
    resourceType: pick([null, "playPromptOperation"]),
    changeType: pick([null, "deleted"]),
    status: pick([null, "running"]),
    statusBefore: pick([null, "notStarted"]),
    statusAfter: pick([null, "running"]),
    resultCode: pick([null, 200]),
    resultSubcode: pick([null, 0]),
    resultMessage: pick([null, ...NASTY]),
    duplicate: pick([false, true]),
    conflict: pick([true, false, false]),
    stale: pick([false, false, true]),
    authenticated: pick([true, false]),
    requestId: pick([null, "req"]),
    receivedAt: new Date(Date.UTC(2026, 11, 5, 1, 2, 3, i % 1000)),
    projectedAt: new Date(Date.UTC(2026, 11, 5)),
    topic: "optrail.events",
    partition: i % 12,
    offset: BigInt(i) * 1_000_000_007n,
    payload: "{}",
  };
}

describe("projection rows as JSON", () => {
  it("when operation states hold nulls, escapes, unicode and nested extras, then each row parses to JSON.stringify's", () => {
    for (let i = 0; i < 200; i++) {
      const s = state(i);
      assert.deepEqual(JSON.parse(operationJson(s)), JSON.parse(JSON.stringify(s)), `state ${i}`);
    }
  });

  it("when history rows hold nulls, escapes and big offsets, then each parses to JSON.stringify's of its fields (offset as text, no payload)", () => {
    for (let i = 0; i < 200; i++) {
      const h = historyRow(i);
      const { payload: _payload, ...fields } = h;
      const expected = JSON.parse(JSON.stringify({ ...fields, offset: h.offset.toString() }));
      assert.deepEqual(JSON.parse(historyJson(h, time(h.projectedAt))), expected, `row ${i}`);
    }
  });

  it("when a timestamp is invalid, then it is null, as JSON.stringify writes it", () => {
    assert.equal(time(new Date(Number.NaN)), "null");
    assert.equal(time(new Date(0)), JSON.stringify(new Date(0)));
  });
});
