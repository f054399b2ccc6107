// Everything Graph really sends is accepted over HTTP, one event per item (per resourceData entity),
// unknown types and properties kept: checked on the real broker.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import type { Kafka } from "kafkajs";
import { collection, operationItem } from "../fixtures/graph.js";
import { testConfig } from "../support/env.js";
import { postJson } from "../support/http.js";
import { capturingLogger, startTestIngest, type TestIngest } from "../support/ingest.js";
import { readAll, testKafka } from "../support/kafka.js";

const CALL = "421f1100-46a4-4d1b-9a21-1a2b3c4d5e6f";

/** The commsOperation subtypes of graph-notifications.md §1 (v1.0 and beta) with their extra properties. */
const SUBTYPES: [string, Record<string, unknown>][] = [
  ["cancelMediaProcessingOperation", { all: false }],
  ["playPromptOperation", { completionReason: "completedSuccessfully" }],
  [
    "recordOperation",
    { recordingLocation: "https://media.example/rec/1", recordingAccessToken: "rec-secret-123", completionReason: "stopToneDetected" },
  ],
  ["sendDtmfTonesOperation", { completionReason: "unknownFutureValue" }],
  ["inviteParticipantsOperation", { participants: [{ endpointType: "default", identity: { user: { id: "u-1" } } }] }],
  ["subscribeToToneOperation", {}],
  ["muteParticipantOperation", {}],
  ["unmuteParticipantOperation", {}],
  ["updateRecordingStatusOperation", {}],
  ["startHoldMusicOperation", {}],
  ["stopHoldMusicOperation", {}],
  ["addLargeGalleryViewOperation", {}],
  ["muteParticipantsOperation", { participants: ["p-1", "p-2"] }],
  ["startRecordingOperation", {}],
  ["stopRecordingOperation", {}],
  ["startTranscriptionOperation", {}],
  ["stopTranscriptionOperation", {}],
  ["holographicSummonOperation", { futureProperty: { nested: [1, 2, 3] } }],
];

describe("ingest accepts every shape Graph sends (real Kafka)", () => {
  let ingest: TestIngest;
  let kafka: Kafka;
  const log = capturingLogger();
  let byId: Map<string, any> | undefined;
  const events = async () => {
    byId ??= new Map((await readAll(kafka, ingest.topic)).map((m) => [JSON.parse(m.value).meta.eventId, JSON.parse(m.value)]));
    return byId;
  };
  const posted: { name: string; eventIds: string[]; extra: Record<string, unknown> }[] = [];
  const post = async (body: unknown) => {
    byId = undefined;
    return postJson(`${ingest.url}/graph/notifications`, body);
  };

  before(async () => {
    ingest = await startTestIngest({ logger: log.logger });
    kafka = testKafka(testConfig());
  });
  after(async () => {
    await ingest.close();
  });

  for (const [name, extra] of SUBTYPES) {
    it(`when a ${name} notification is posted, then 202 and one OperationObserved event of that type`, async () => {
      const item = operationItem({ callId: CALL, operationId: `op-${name}`, type: name, status: "completed", extra });
      const res = await post(collection(item));
      assert.equal(res.status, 202, JSON.stringify(res.body));
      assert.equal(res.body.accepted, 1);
      posted.push({ name, eventIds: res.body.eventIds, extra });
    });
  }

  it("when the subtype events are read back from Kafka, then each keeps its type and every property verbatim, secrets redacted", async () => {
    const all = await events();
    for (const { name, eventIds, extra } of posted) {
      const event = all.get(eventIds[0]!);
      assert.ok(event, `${name} not on the topic`);
      assert.equal(event.type, "OperationObserved");
      assert.equal(event.data.operationType, name);
      assert.equal(event.data.callId, CALL);
      assert.equal(event.data.operationId, `op-${name}`);
      for (const [key, value] of Object.entries(extra)) {
        if (key === "recordingAccessToken") assert.equal(event.data.resource[key], "[redacted]");
        else assert.deepEqual(event.data.resource[key], value, `${name}.${key}`);
      }
    }
    assert.equal(posted.length, SUBTYPES.length);
  });

  it("when an item has unknown properties and an unknown @odata.type, then the event keeps them verbatim in its envelope", async () => {
    const item = {
      ...operationItem({ callId: CALL, operationId: "op-envelope", status: "running" }),
      "@odata.type": "#microsoft.graph.commsNotificationV2",
      sequenceNumber: 7,
      futureBlock: { a: [1, { b: "c" }] },
    };
    const res = await post(collection(item));
    assert.equal(res.status, 202, JSON.stringify(res.body));
    const event = (await events()).get(res.body.eventIds[0]);
    assert.equal(event.data.envelope["@odata.type"], "#microsoft.graph.commsNotificationV2");
    assert.equal(event.data.envelope.sequenceNumber, 7);
    assert.deepEqual(event.data.envelope.futureBlock, { a: [1, { b: "c" }] });
    assert.equal(event.data.envelope.resourceData, undefined);
  });

  it("when resourceData is an array, then every entity becomes its own event", async () => {
    const item = {
      changeType: "updated",
      resourceUrl: `/communications/calls/${CALL}/operations`,
      resourceData: [
        {
          "@odata.type": "#microsoft.graph.playPromptOperation",
          "@odata.id": `/communications/calls/${CALL}/operations/op-arr-1`,
          status: "running",
        },
        {
          "@odata.type": "#microsoft.graph.recordOperation",
          id: "op-arr-2",
          "@odata.id": `/communications/calls/${CALL}/operations/op-arr-2`,
          status: "running",
        },
      ],
    };
    const res = await post(collection(item));
    assert.equal(res.status, 202, JSON.stringify(res.body));
    assert.equal(res.body.accepted, 2);
    const all = await events();
    assert.deepEqual(res.body.eventIds.map((id: string) => all.get(id).data.operationId).sort(), ["op-arr-1", "op-arr-2"]);
  });

  it("when an item says resource instead of resourceUrl and has no id, then the operation id is the URL's last segment", async () => {
    const res = await post(
      collection({
        changeType: "deleted",
        resource: `/communications/calls/${CALL}/operations/op-from-url`,
        resourceData: { "@odata.type": "#microsoft.graph.playPromptOperation", status: "completed" },
      }),
    );
    assert.equal(res.status, 202, JSON.stringify(res.body));
    const event = (await events()).get(res.body.eventIds[0]);
    assert.equal(event.data.operationId, "op-from-url");
    assert.equal(event.data.callId, CALL);
  });

  it("when an older payload says /app/calls/..., then call and operation ids are still found", async () => {
    const res = await post(
      collection({
        changeType: "deleted",
        resourceUrl: `/app/calls/${CALL}/operations/op-app-path`,
        resourceData: { "@odata.type": "#microsoft.graph.playPromptOperation", status: "completed" },
      }),
    );
    assert.equal(res.status, 202, JSON.stringify(res.body));
    const event = (await events()).get(res.body.eventIds[0]);
    assert.equal(event.data.operationId, "op-app-path");
    assert.equal(event.data.callId, CALL);
  });

  it("when the same operation arrives as created, updated and deleted, then three events keep their changeType", async () => {
    const items = (["created", "updated", "deleted"] as const).map((changeType, i) =>
      operationItem({ callId: CALL, operationId: "op-changes", changeType, status: ["notStarted", "running", "completed"][i]! }),
    );
    const res = await post(collection(...items));
    assert.equal(res.status, 202, JSON.stringify(res.body));
    const all = await events();
    assert.deepEqual(
      res.body.eventIds.map((id: string) => all.get(id).data.changeType),
      ["created", "updated", "deleted"],
    );
  });

  it("when items are about the call, its participants or tones, then they are stored as call events keyed by call", async () => {
    const res = await post(
      collection(
        {
          changeType: "updated",
          resourceUrl: `/communications/calls/${CALL}`,
          resourceData: { "@odata.type": "#microsoft.graph.call", state: "established", toneInfo: { tone: "tone1", sequenceId: 1 } },
        },
        {
          changeType: "updated",
          resourceUrl: `/communications/calls/${CALL}/participants`,
          resourceData: [
            { "@odata.type": "#microsoft.graph.participant", id: "p-1", isMuted: true },
            { "@odata.type": "#microsoft.graph.participant", id: "p-2", isMuted: false },
          ],
        },
      ),
    );
    assert.equal(res.status, 202, JSON.stringify(res.body));
    assert.equal(res.body.accepted, 3);
    const messages = await readAll(kafka, ingest.topic);
    const mine = messages.filter((m) => res.body.eventIds.includes(JSON.parse(m.value).meta.eventId));
    assert.equal(mine.length, 3);
    for (const m of mine) {
      const event = JSON.parse(m.value);
      assert.equal(event.type, "CallResourceObserved");
      assert.equal(event.data.callId, CALL);
      assert.equal(m.key, CALL);
    }
    const types = mine.map((m) => JSON.parse(m.value).data.resourceType).sort();
    assert.deepEqual(types, ["call", "participant", "participant"]);
    assert.deepEqual(JSON.parse(mine.find((m) => m.value.includes("toneInfo"))!.value).data.resource.toneInfo, {
      tone: "tone1",
      sequenceId: 1,
    });
  });

  it("when a change-notification collection mixes subscriptions, then each item is an event with its subscription and tenant", async () => {
    const item = (sub: string, id: string) => ({
      subscriptionId: sub,
      subscriptionExpirationDateTime: "2026-12-31T00:00:00Z",
      clientState: "state",
      changeType: "created",
      resource: `communications/callRecords/${id}`,
      tenantId: "tenant-1",
      resourceData: { "@odata.type": "#Microsoft.Graph.callRecord", "@odata.id": `communications/callRecords/${id}`, id, version: 3 },
    });
    const res = await post({ value: [item("sub-a", "rec-1"), item("sub-b", "rec-2")] });
    assert.equal(res.status, 202, JSON.stringify(res.body));
    const all = await events();
    const got = res.body.eventIds.map((id: string) => all.get(id));
    assert.deepEqual(
      got.map((e: any) => e.meta.subscriptionId),
      ["sub-a", "sub-b"],
    );
    assert.ok(got.every((e: any) => e.meta.source === "change-notification" && e.meta.tenantId === "tenant-1"));
    assert.ok(got.every((e: any) => e.data.resource.clientState === undefined || e.data.resource.clientState === "[redacted]"));
  });

  it("when lifecycle notifications arrive, then 202, one event each, a counter by type, and a warning for missed", async () => {
    const lifecycle = (lifecycleEvent: string) => ({
      subscriptionId: "sub-life",
      subscriptionExpirationDateTime: "2026-12-31T00:00:00Z",
      clientState: "state",
      lifecycleEvent,
      resource: "communications/callRecords",
      tenantId: "tenant-1",
    });
    const res = await post({ value: ["reauthorizationRequired", "subscriptionRemoved", "missed", "missed"].map(lifecycle) });
    assert.equal(res.status, 202, JSON.stringify(res.body));
    const all = await events();
    const got = [...new Set<string>(res.body.eventIds)].map((id) => all.get(id));
    assert.ok(got.every((e) => e.type === "SubscriptionLifecycle" && e.data.subscriptionId === "sub-life"));
    const metrics = await fetch(`${ingest.url}/metrics`).then((r) => r.text());
    assert.match(metrics, /optrail_ingest_lifecycle_notifications_total\{event="missed"[^}]*\} 2/);
    assert.match(metrics, /optrail_ingest_lifecycle_notifications_total\{event="reauthorizationRequired"[^}]*\} 1/);
    const warnings = log
      .lines()
      .map((l) => JSON.parse(l))
      .filter((l) => l.level === 40 && l.lifecycle?.lifecycleEvent === "missed");
    assert.equal(warnings.length, 2);
  });

  it("when the validation handshake comes to the lifecycle URL, then the decoded token is echoed as text/plain in well under a second", async () => {
    const started = Date.now();
    const res = await fetch(
      `${ingest.url}/graph/notifications?validationToken=${encodeURIComponent("Validation: Testing client application reachability for subscription Request-Id: 1")}`,
      {
        method: "POST",
        headers: { "content-type": "text/plain; charset=utf-8" },
      },
    );
    assert.equal(res.status, 200);
    assert.match(res.headers.get("content-type") ?? "", /^text\/plain/);
    assert.equal(await res.text(), "Validation: Testing client application reachability for subscription Request-Id: 1");
    assert.ok(Date.now() - started < 1000);
  });

  it("when the same POST is delivered twice, then both answers carry the same event ids", async () => {
    const body = collection(
      operationItem({ callId: CALL, operationId: "op-dup", status: "running" }),
      operationItem({ callId: CALL, operationId: "op-dup-2" }),
    );
    const first = await post(body);
    const second = await post(body);
    assert.equal(first.status, 202);
    assert.equal(second.status, 202);
    assert.deepEqual(second.body.eventIds, first.body.eventIds);
    const onTopic = (await readAll(kafka, ingest.topic)).filter((m) => JSON.parse(m.value).meta.eventId === first.body.eventIds[0]);
    assert.equal(onTopic.length, 2, "both deliveries are stored; the projector flags the second as duplicate");
  });

  it("when a batch holds good and unparseable items, then the good ones are events and each bad one is dead-lettered with its reason", async () => {
    const res = await post(
      collection(
        operationItem({ callId: CALL, operationId: "op-good-1", status: "running" }),
        { changeType: "exploded", resourceUrl: "/x", resourceData: {} },
        {
          changeType: "updated",
          resourceUrl: "/communications/nothing-here",
          resourceData: { "@odata.type": "#microsoft.graph.playPromptOperation", id: "op-orphan" },
        },
        "just a string",
        operationItem({ callId: CALL, operationId: "op-good-2", status: "running" }),
      ),
    );
    assert.equal(res.status, 202, JSON.stringify(res.body));
    assert.equal(res.body.accepted, 2);
    assert.equal(res.body.deadLettered, 3);
    const dead = (await readAll(kafka, ingest.dlq))
      .map((m) => JSON.parse(m.value))
      .filter((d) => d.requestId === res.headers.get("x-request-id"));
    assert.equal(dead.length, 3);
    assert.ok(dead.every((d) => typeof d.reason === "string" && d.reason.length > 0 && d.issues.length > 0));
    assert.ok(dead.some((d) => d.reason === "operation without a call"));
  });

  it("when the bot reports a synchronous action response, then 202 and an action-response event with unknown properties kept", async () => {
    const res = await postJson(`${ingest.url}/graph/action-responses`, {
      callId: CALL,
      action: "cancelMediaProcessing",
      operation: {
        "@odata.type": "#microsoft.graph.cancelMediaProcessingOperation",
        id: "op-sync",
        status: "completed",
        all: true,
        newThing: 7,
      },
    });
    assert.equal(res.status, 202, JSON.stringify(res.body));
    const event = (await events()).get(res.body.eventIds[0]);
    assert.equal(event.meta.source, "action-response");
    assert.equal(event.data.action, "cancelMediaProcessing");
    assert.equal(event.data.resource.newThing, 7);
  });

  for (const [what, body] of [
    ["has no operation id", { callId: CALL, action: "record", operation: { status: "completed" } }],
    ["has no call id", { action: "record", operation: { id: "x", status: "completed" } }],
    ["is an array", [{ callId: CALL }]],
    ["has a non-string status", { callId: CALL, action: "record", operation: { id: "x", status: 5 } }],
  ] as const) {
    it(`when an action response ${what}, then 400 problem+json naming the problem`, async () => {
      const res = await postJson(`${ingest.url}/graph/action-responses`, body);
      assert.equal(res.status, 400, JSON.stringify(res.body));
      assert.match(res.headers.get("content-type") ?? "", /application\/problem\+json/);
      assert.ok(Array.isArray(res.body.errors) && res.body.errors.length > 0);
    });
  }
});
