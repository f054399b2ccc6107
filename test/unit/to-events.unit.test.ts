import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { eventFromActionResponse, eventsFromNotificationItem, parseResourcePath, type OptrailEvent } from "../../services/core/index.js";
import { CALL_ID, CANCEL_OPERATION_ID, failedCancelNotification } from "../fixtures/graph.js";

const receipt = { receivedAt: "2026-12-04T10:00:00.000Z", requestId: "req-1", authenticated: true };

function only(events: OptrailEvent[]) {
  assert.equal(events.length, 1);
  return events[0]!;
}

describe("Graph items → events", () => {
  it("when the §2 example arrives, then it becomes one OperationObserved with all its fields", () => {
    const item = failedCancelNotification().value[0];
    const r = eventsFromNotificationItem(item, receipt);
    assert.ok(r.ok);
    const e = only(r.events);
    assert.equal(e.type, "OperationObserved");
    if (e.type !== "OperationObserved") return;
    assert.equal(e.data.operationId, CANCEL_OPERATION_ID);
    assert.equal(e.data.callId, CALL_ID);
    assert.equal(e.data.operationType, "cancelMediaProcessingOperation");
    assert.equal(e.data.status, "failed");
    assert.equal(e.data.all, true);
    assert.deepEqual(e.data.resultInfo, {
      "@odata.type": "#microsoft.graph.resultInfo",
      code: 500,
      subcode: 9001,
      message: "Media processor unavailable.",
    });
    assert.equal(e.meta.source, "notification");
    assert.equal(e.meta.receivedAt, receipt.receivedAt);
  });

  it("when the same item is delivered twice, then both get the same event id", () => {
    const item = failedCancelNotification().value[0];
    const a = eventsFromNotificationItem(item, receipt);
    const b = eventsFromNotificationItem(structuredClone(item), { ...receipt, requestId: "req-2", receivedAt: "2026-12-04T11:00:00.000Z" });
    assert.ok(a.ok && b.ok);
    assert.equal(only(a.events).meta.eventId, only(b.events).meta.eventId);
  });

  it("when the status differs, then the event id differs", () => {
    const item = failedCancelNotification().value[0]!;
    const other = structuredClone(item);
    other.resourceData.status = "running";
    const a = eventsFromNotificationItem(item, receipt);
    const b = eventsFromNotificationItem(other, receipt);
    assert.ok(a.ok && b.ok);
    assert.notEqual(only(a.events).meta.eventId, only(b.events).meta.eventId);
  });

  it("when a recordOperation carries a recordingAccessToken, then the event holds it redacted", () => {
    const item = {
      changeType: "deleted",
      resourceUrl: "/communications/calls/c1/operations/r1",
      resourceData: {
        "@odata.type": "#microsoft.graph.recordOperation",
        id: "r1",
        status: "completed",
        recordingLocation: "https://x/y",
        recordingAccessToken: "SECRET-TOKEN",
      },
    };
    const r = eventsFromNotificationItem(item, receipt);
    assert.ok(r.ok);
    const text = JSON.stringify(r.events);
    assert.ok(!text.includes("SECRET-TOKEN"));
    assert.match(text, /recordingLocation/);
  });

  it("when the id is missing, then the operation id comes from the resource URL", () => {
    const r = eventsFromNotificationItem(
      {
        changeType: "updated",
        resource: "/communications/calls/c1/operations/from-url",
        resourceData: { "@odata.type": "#microsoft.graph.playPromptOperation", status: "running" },
      },
      receipt,
    );
    assert.ok(r.ok);
    const e = only(r.events);
    assert.ok(e.type === "OperationObserved" && e.data.operationId === "from-url" && e.data.callId === "c1");
  });

  it("when resourceData is an array, then each entity becomes an event", () => {
    const r = eventsFromNotificationItem(
      {
        changeType: "updated",
        resourceUrl: "/communications/calls/c1",
        resourceData: [
          { "@odata.type": "#microsoft.graph.participant", id: "p1" },
          { "@odata.type": "#microsoft.graph.participant", id: "p2" },
        ],
      },
      receipt,
    );
    assert.ok(r.ok);
    assert.equal(r.events.length, 2);
    assert.ok(r.events.every((e) => e.type === "CallResourceObserved" && e.data.callId === "c1"));
  });

  it("when an item lacks changeType and resource, then it is rejected with the reasons", () => {
    const r = eventsFromNotificationItem({ resourceData: {} }, receipt);
    assert.ok(!r.ok);
    assert.deepEqual(r.issues.map((i) => i.path).sort(), ["changeType", "resourceUrl"]);
  });

  it("when a lifecycle notification arrives, then it becomes a SubscriptionLifecycle event", () => {
    const r = eventsFromNotificationItem(
      { subscriptionId: "s1", lifecycleEvent: "missed", clientState: "secret", resource: "communications/calls" },
      receipt,
    );
    assert.ok(r.ok);
    const e = only(r.events);
    assert.equal(e.type, "SubscriptionLifecycle");
    assert.ok(!JSON.stringify(e).includes('"secret"'));
  });

  it("when a bot reports an action response, then it becomes an OperationObserved from action-response", () => {
    const e = eventFromActionResponse(
      { callId: "c1", action: "cancelMediaProcessing", operation: { id: "op9", status: "completed", clientContext: "x" } },
      receipt,
    );
    assert.equal(e.type, "OperationObserved");
    if (e.type !== "OperationObserved") return;
    assert.equal(e.meta.source, "action-response");
    assert.equal(e.data.operationType, "cancelMediaProcessingOperation");
    assert.equal(e.data.status, "completed");
  });

  it("when resource paths vary in form, then call and operation ids are parsed", () => {
    assert.deepEqual(parseResourcePath("https://graph.microsoft.com/v1.0/communications/calls/a/operations/b"), {
      callId: "a",
      operationId: "b",
    });
    assert.deepEqual(parseResourcePath("communications/calls/a"), { callId: "a" });
    assert.deepEqual(parseResourcePath("/something/else"), {});
  });
});
