// recordingAccessToken, clientState and Bearer tokens never reach Kafka (events or dead letters) nor
// the logs: the pino output is captured through a stream at debug level.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import type { Kafka } from "kafkajs";
import { authenticatorFromConfig } from "../../services/ingest/auth.js";
import { collection, operationItem } from "../fixtures/graph.js";
import { testConfig } from "../support/env.js";
import { postJson } from "../support/http.js";
import { capturingLogger, startTestIngest, type TestIngest } from "../support/ingest.js";
import { readAll, testKafka } from "../support/kafka.js";
import { APP_ID, startOpenIdServer, type OpenIdServer } from "../support/openid.js";

const RECORDING_TOKEN = "REC-ACCESS-TOKEN-5f2b9c";
const CLIENT_STATE = "CLIENT-STATE-SECRET-77aa";
const BOT_TOKEN = "BOT-SHARED-TOKEN-0c0c0c";

describe("secrets never leave ingest (real Kafka, captured logs)", () => {
  let openid: OpenIdServer;
  let ingest: TestIngest;
  let kafka: Kafka;
  const log = capturingLogger("debug");
  const bearers: string[] = [];

  before(async () => {
    openid = await startOpenIdServer();
    const config = testConfig({
      GRAPH_APP_ID: APP_ID,
      GRAPH_OPENID_CONFIG_URL: openid.configUrl,
      GRAPH_CLIENT_STATE: CLIENT_STATE,
      INGEST_ACTION_RESPONSE_TOKEN: BOT_TOKEN,
    });
    ingest = await startTestIngest({ logger: log.logger, authenticator: authenticatorFromConfig(config).authenticator });
    kafka = testKafka(config);
  });
  after(async () => {
    await ingest.close();
    await openid.close();
  });

  it("when secrets are posted in good items, bad items, headers and rejected requests, then none is in Kafka or the logs", async () => {
    const token = await openid.sign();
    bearers.push(token);
    const recording = operationItem({
      callId: "c-secret",
      operationId: "op-record",
      type: "recordOperation",
      status: "completed",
      extra: { recordingLocation: "https://media.example/r", recordingAccessToken: RECORDING_TOKEN },
    });
    const badWithSecret = { changeType: "bogus", resourceUrl: "/x", resourceData: { recordingAccessToken: RECORDING_TOKEN } };
    const ok = await postJson(`${ingest.url}/graph/notifications`, collection(recording, badWithSecret), {
      authorization: `Bearer ${token}`,
    });
    assert.equal(ok.status, 202, JSON.stringify(ok.body));
    assert.equal(ok.body.deadLettered, 1);

    const change = {
      value: [
        {
          subscriptionId: "sub-s",
          clientState: CLIENT_STATE,
          changeType: "created",
          resource: "communications/callRecords/r1",
          resourceData: { "@odata.type": "#Microsoft.Graph.callRecord", id: "r1", clientState: CLIENT_STATE },
        },
        { subscriptionId: "sub-s", clientState: CLIENT_STATE, lifecycleEvent: "missed" },
      ],
    };
    assert.equal((await postJson(`${ingest.url}/graph/notifications`, change)).status, 202);

    const rejectedToken = await openid.sign({ aud: "not-me" });
    bearers.push(rejectedToken);
    assert.equal(
      (await postJson(`${ingest.url}/graph/notifications`, collection(recording), { authorization: `Bearer ${rejectedToken}` })).status,
      401,
    );
    const wrongState = { value: [{ ...change.value[0], clientState: `${CLIENT_STATE}-wrong` }] };
    assert.equal((await postJson(`${ingest.url}/graph/notifications`, wrongState)).status, 403);

    const action = {
      callId: "c-secret",
      action: "record",
      operation: {
        "@odata.type": "#microsoft.graph.recordOperation",
        id: "op-rec-2",
        status: "completed",
        recordingAccessToken: RECORDING_TOKEN,
      },
    };
    assert.equal((await postJson(`${ingest.url}/graph/action-responses`, action, { authorization: `Bearer ${BOT_TOKEN}` })).status, 202);
    assert.equal((await postJson(`${ingest.url}/graph/action-responses`, action, { authorization: `Bearer ${BOT_TOKEN}x` })).status, 401);

    const stored = [...(await readAll(kafka, ingest.topic)), ...(await readAll(kafka, ingest.dlq))].map((m) => m.value).join("\n");
    assert.ok(stored.includes("[redacted]"), "the secrets' places are kept, redacted");
    const logs = log.text();
    assert.ok(log.lines().length >= 6, "the requests were logged");
    assert.ok(logs.includes('"authorization":"[redacted]"'), "request headers are logged, the Authorization header redacted");
    for (const secret of [RECORDING_TOKEN, CLIENT_STATE, BOT_TOKEN, ...bearers]) {
      assert.ok(!stored.includes(secret), `a secret reached Kafka: ${secret.slice(0, 12)}…`);
      assert.ok(!logs.includes(secret), `a secret reached the logs: ${secret.slice(0, 12)}…`);
    }
  });
});
