// The small pure guards of the webhook: clientState comparison, nesting bound, redaction of odd keys,
// resource paths with broken escapes, and which door a body knocks on.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { eventsFromNotificationItem, parseResourcePath, redactSecrets } from "../../services/core/index.js";
import { isChangeNotificationBody } from "../../services/ingest/auth.js";
import { createClientStateCheck } from "../../services/ingest/client-state.js";
import { exceedsDepth } from "../../services/ingest/json-depth.js";

describe("webhook guards", () => {
  it("when a clientState matches any configured value, then it is accepted; otherwise (other value, length, type) not", () => {
    const check = createClientStateCheck(["old", "new-secret"]);
    assert.equal(check("old"), true);
    assert.equal(check("new-secret"), true);
    for (const bad of ["ol", "old ", "NEW-SECRET", "", undefined, null, 42, ["old"]]) assert.equal(check(bad), false, String(bad));
    assert.equal(createClientStateCheck([])("anything"), false);
  });

  it("when a value nests deeper than the bound, then exceedsDepth says so without recursing", () => {
    const deep: unknown[] = [];
    let cur = deep;
    for (let i = 0; i < 100_000; i++) {
      const next: unknown[] = [];
      cur.push(next);
      cur = next;
    }
    assert.equal(exceedsDepth(deep, 64), true);
    assert.equal(exceedsDepth({ a: { b: [{ c: 1 }] } }, 4), false);
    assert.equal(exceedsDepth({ a: { b: [{ c: {} }] } }, 4), true);
    assert.equal(exceedsDepth("text", 1), false);
  });

  it("when an item holds a __proto__ key, then redaction keeps it as a plain property and pollutes nothing", () => {
    const parsed = JSON.parse('{"__proto__":{"polluted":true},"recordingAccessToken":"s"}');
    const out = redactSecrets(parsed) as Record<string, unknown>;
    assert.deepEqual(Object.keys(out), ["__proto__", "recordingAccessToken"]);
    assert.equal(Object.getPrototypeOf(out), Object.prototype);
    assert.equal(({} as Record<string, unknown>).polluted, undefined);
    assert.equal(out.recordingAccessToken, "[redacted]");
  });

  it("when a resource path holds broken %-escapes or the old /app/calls prefix, then ids are still found without throwing", () => {
    assert.deepEqual(parseResourcePath("/communications/calls/%/operations/%zz"), { callId: "%", operationId: "%zz" });
    assert.deepEqual(parseResourcePath("/app/calls/c1/operations/o1"), { callId: "c1", operationId: "o1" });
    assert.deepEqual(parseResourcePath("https://graph.microsoft.com/beta/communications/calls/c2/operations/o%202"), {
      callId: "c2",
      operationId: "o 2",
    });
    const r = eventsFromNotificationItem(
      { changeType: "updated", resourceUrl: "/communications/calls/%E0%A4%A/operations/x", resourceData: { status: "running" } },
      { receivedAt: "2026-12-04T10:00:00.000Z", requestId: "r", authenticated: false },
    );
    assert.ok(r.ok);
  });

  it("when a body names a subscription in any item, then it is a change-notification body (clientState door), else a call one", () => {
    assert.equal(isChangeNotificationBody({ value: [{ changeType: "updated" }, { subscriptionId: "s" }] }), true);
    assert.equal(isChangeNotificationBody({ value: [{ clientState: "x" }] }), true);
    assert.equal(isChangeNotificationBody({ value: [{ changeType: "updated", resourceUrl: "/communications/calls/c" }] }), false);
    for (const other of [null, "x", [], {}, { value: "x" }, { value: [null, 1, "s"] }])
      assert.equal(isChangeNotificationBody(other), false);
  });
});
