// Alerting end to end: a failed cancellation posted to ingest (three times) raises exactly one alert,
// delivered once to the alert topic and to a webhook receiver that fails its first two attempts.
import assert from "node:assert/strict";
import { createServer, type IncomingHttpHeaders, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { after, before, describe, it } from "node:test";
import { alertViewSchema } from "../../services/api/schemas.js";
import { CALL_ID, CANCEL_OPERATION_ID, collection, failedCancelNotification, operationItem } from "../fixtures/graph.js";
import { eventually, resetTables, testDb } from "../support/db.js";
import { testConfig, uniqueTopic } from "../support/env.js";
import { getJson, postJson } from "../support/http.js";
import { readAll, testKafka } from "../support/kafka.js";
import { startStack, type Stack } from "../support/stack.js";

interface Received {
  status: number;
  headers: IncomingHttpHeaders;
  body: any;
}

describe("alerting: failed cancellation → outbox → Kafka topic and webhook", () => {
  let stack: Stack;
  let receiver: Server;
  const received: Received[] = [];
  const alertTopic = uniqueTopic("alerts");
  const config = testConfig();

  before(async () => {
    const db = testDb(config);
    await resetTables(db);
    await db.$disconnect();
    receiver = createServer((req, res) => {
      let body = "";
      req.on("data", (d: Buffer) => (body += d.toString()));
      req.on("end", () => {
        const status = received.length < 2 ? 500 : 200; // the first two attempts fail
        received.push({ status, headers: req.headers, body: JSON.parse(body) });
        res.writeHead(status).end();
      });
    });
    await new Promise<void>((r) => receiver.listen(0, "127.0.0.1", r));
    const port = (receiver.address() as AddressInfo).port;
    stack = await startStack({
      ALERT_TOPIC: alertTopic,
      ALERT_WEBHOOK_URL: `http://127.0.0.1:${port}/hook`,
      ALERT_RETRY_BASE_MS: "50",
      ALERT_DISPATCH_INTERVAL_MS: "50",
      API_TOKENS: "e2e-token",
    });
  });
  after(async () => {
    await stack?.stop();
    await new Promise((r) => receiver?.close(r));
  });

  it("when the failed cancellation is delivered three times, then one alert reaches the topic and the webhook once", async () => {
    for (let i = 0; i < 3; i++)
      assert.equal((await postJson(`${stack.ingestUrl}/graph/notifications`, failedCancelNotification())).status, 202);
    // A later, different notification of the same failed operation, and a prompt stopped by a successful cancel.
    const again = failedCancelNotification();
    (again.value[0]!.resourceData as Record<string, unknown>)["@odata.etag"] = 'W/"1208"';
    const canceled = operationItem({
      callId: CALL_ID,
      operationId: "prompt-stopped-by-cancel",
      type: "playPromptOperation",
      status: "failed",
      resultInfo: { code: 400, subcode: 8508, message: "Operation canceled" },
    });
    assert.equal((await postJson(`${stack.ingestUrl}/graph/notifications`, collection(again.value[0], canceled))).status, 202);

    const auth = { authorization: "Bearer e2e-token" };
    const alert = await eventually(async () => {
      const res = await getJson(`${stack.apiUrl}/alerts?callId=${CALL_ID}`, auth);
      const a = res.body.items?.[0];
      return a?.deliveries.webhook.state === "delivered" && a.deliveries.kafka.state === "delivered" ? res.body : undefined;
    }, 20_000);
    assert.equal(alert.items.length, 1, "one alert, not one per delivery");
    const a = alertViewSchema.parse(alert.items[0]);
    assert.equal(a.rule, "failed-cancellation");
    assert.equal(a.operationId, CANCEL_OPERATION_ID);
    assert.deepEqual(a.deliveries.webhook, { state: "delivered", attempts: 3, lastError: "webhook answered 500" });
    assert.equal(a.deliveries.kafka.attempts, 1);

    // The receiver: two failed attempts, then exactly one accepted call, all with the same idempotency key.
    await new Promise((r) => setTimeout(r, 300));
    assert.deepEqual(
      received.map((r) => r.status),
      [500, 500, 200],
    );
    assert.equal(new Set(received.map((r) => r.headers["idempotency-key"])).size, 1);
    const hook = received[2]!.body;
    assert.equal(hook["@type"], "MessageCard");
    assert.equal(hook.summary, a.title);
    assert.match(hook.text, /cancelMediaProcessingOperation .* is failed \(code 500, subcode 9001: Media processor unavailable\.\)/);

    const onTopic = await readAll(testKafka(config), alertTopic);
    assert.equal(onTopic.length, 1);
    assert.equal(onTopic[0]!.headers["idempotency-key"], `failed-cancellation:${CANCEL_OPERATION_ID}`);
    assert.equal(JSON.parse(onTopic[0]!.value).id, a.id);

    const metrics = await fetch(`${stack.projectorUrl}/metrics`).then((r) => r.text());
    assert.match(metrics, /optrail_alerts_raised_total\{rule="failed-cancellation",service="projector"\} 1/);
    assert.match(metrics, /optrail_alert_deliveries_total\{target="webhook",outcome="failed",service="projector"\} 2/);
    assert.match(metrics, /optrail_alert_deliveries_total\{target="webhook",outcome="delivered",service="projector"\} 1/);
  });

  it("when the API is asked without its token, then 401; with it, the operation", async () => {
    assert.equal((await getJson(`${stack.apiUrl}/operations/${CANCEL_OPERATION_ID}`)).status, 401);
    assert.equal((await getJson(`${stack.apiUrl}/operations/${CANCEL_OPERATION_ID}`, { authorization: "Bearer e2e-token" })).status, 200);
  });
});
