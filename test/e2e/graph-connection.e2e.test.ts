// The real optrail process connected the way the README tells operators to connect Graph: signed call
// notifications, clientState on subscriptions, lifecycle events visible, secrets nowhere to be seen.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { collection, operationItem } from "../fixtures/graph.js";
import { getJson, postJson } from "../support/http.js";
import { APP_ID, startOpenIdServer, TENANT_ID, type OpenIdServer } from "../support/openid.js";
import { startStack, type Stack } from "../support/stack.js";

const CLIENT_STATE = "e2e-client-state-secret-9f9f";
const RECORDING_TOKEN = "e2e-recording-access-token-1a1a";

describe("connecting Microsoft Graph (the real process)", () => {
  let openid: OpenIdServer;
  let stack: Stack;
  const seen: string[] = [];
  const get = async (url: string) => {
    const res = await getJson(url);
    seen.push(JSON.stringify(res.body));
    return res;
  };

  before(async () => {
    openid = await startOpenIdServer();
    stack = await startStack({
      GRAPH_APP_ID: APP_ID,
      GRAPH_OPENID_CONFIG_URL: openid.configUrl,
      GRAPH_CLIENT_STATE: CLIENT_STATE,
      LOG_LEVEL: "info",
    });
  });
  after(async () => {
    await stack?.stop();
    await openid?.close();
  });

  it("when a signed call notification arrives, then 202 and the API shows the operation, authenticated, for the token's tenant", async () => {
    const token = await openid.sign();
    const body = collection(
      operationItem({
        callId: "call-e2e",
        operationId: "op-e2e-record",
        type: "recordOperation",
        status: "completed",
        extra: { recordingAccessToken: RECORDING_TOKEN, recordingLocation: "https://media.example/r" },
      }),
    );
    assert.equal((await postJson(`${stack.ingestUrl}/graph/notifications`, body)).status, 401, "no token, no entry");
    const res = await postJson(`${stack.ingestUrl}/graph/notifications`, body, { authorization: `Bearer ${token}` });
    assert.equal(res.status, 202, JSON.stringify(res.body));
    let op;
    for (let i = 0; i < 100; i++) {
      op = await get(`${stack.apiUrl}/operations/op-e2e-record`);
      if (op.status === 200) break;
      await new Promise((r) => setTimeout(r, 50));
    }
    assert.equal(op?.status, 200);
    assert.equal(op!.body.tenantId, TENANT_ID);
    const history = await get(`${stack.apiUrl}/operations/op-e2e-record/history`);
    assert.equal(history.body.events[0].authenticated, true);
    assert.equal(op!.body.extra.recordingAccessToken, "[redacted]");
  });

  it("when Graph reports missed notifications, then operators see it in GET /lifecycle-events and in a warning", async () => {
    const res = await postJson(`${stack.ingestUrl}/graph/notifications`, {
      value: [{ subscriptionId: "sub-e2e", clientState: CLIENT_STATE, lifecycleEvent: "missed", resource: "communications/callRecords" }],
    });
    assert.equal(res.status, 202, JSON.stringify(res.body));
    let listed;
    for (let i = 0; i < 100; i++) {
      listed = await get(`${stack.apiUrl}/lifecycle-events?subscriptionId=sub-e2e`);
      if (listed.body.events?.length) break;
      await new Promise((r) => setTimeout(r, 50));
    }
    assert.equal(listed?.body.events[0].lifecycleEvent, "missed");
    assert.match(stack.output(), /Graph missed notifications for a subscription/);
    const metrics = await fetch(`${stack.ingestUrl}/metrics`).then((r) => r.text());
    assert.match(metrics, /optrail_ingest_lifecycle_notifications_total\{event="missed"/);
  });

  it("when a door has no credential in development, then one loud warning names it and its events are marked unauthenticated", async () => {
    assert.equal(stack.output().match(/NO CREDENTIALS/g)?.length, 1);
    assert.match(stack.output(), /INGEST_ACTION_RESPONSE_TOKEN/);
    const res = await postJson(`${stack.ingestUrl}/graph/action-responses`, {
      callId: "call-e2e",
      action: "playPrompt",
      operation: { id: "op-e2e-sync", status: "completed" },
    });
    assert.equal(res.status, 202);
  });

  it("when everything is done, then no secret appears in any API answer or in the process output", () => {
    const everything = `${seen.join("\n")}\n${stack.output()}`;
    for (const secret of [RECORDING_TOKEN, CLIENT_STATE]) assert.ok(!everything.includes(secret), secret);
    assert.doesNotMatch(everything, /eyJ[A-Za-z0-9_-]{10,}\.eyJ/, "no JWT in output");
  });

  it("when started in production without Graph credentials, then the process refuses to start and says why", async () => {
    await assert.rejects(startStack({ NODE_ENV: "production" }), /refuses to start in production without Graph credentials/);
  });
});
