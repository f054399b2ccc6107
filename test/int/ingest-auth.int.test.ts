// Who may post: Graph's signed Bearer tokens on call notifications, the subscriptions' clientState on
// change notifications, the bot's token on action responses. Real tokens, real keys, real Kafka.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import type { Kafka } from "kafkajs";
import { SignJWT } from "jose";
import { authenticatorFromConfig } from "../../services/ingest/auth.js";
import { collection, failedCancelNotification, operationItem } from "../fixtures/graph.js";
import { testConfig } from "../support/env.js";
import { postJson } from "../support/http.js";
import { startTestIngest, type TestIngest } from "../support/ingest.js";
import { readAll, testKafka } from "../support/kafka.js";
import { APP_ID, startOpenIdServer, TENANT_ID, unsecuredToken, type OpenIdServer } from "../support/openid.js";

const CLIENT_STATES = "old-secret-value,new-secret-value";
const BOT_TOKEN = "bot-shared-token-0123456789";

function changeItem(clientState: string | undefined, id = "chat-1") {
  return {
    subscriptionId: "sub-1",
    subscriptionExpirationDateTime: "2026-12-31T00:00:00Z",
    ...(clientState === undefined ? {} : { clientState }),
    changeType: "updated",
    resource: `chats/${id}`,
    tenantId: TENANT_ID,
    resourceData: { "@odata.type": "#Microsoft.Graph.chat", "@odata.id": `chats/${id}`, id },
  };
}

describe("ingest authentication (real tokens, real Kafka)", () => {
  let openid: OpenIdServer;
  let ingest: TestIngest;
  let kafka: Kafka;
  const acceptedIds: string[] = [];

  const authConfig = (overrides: Record<string, string> = {}) =>
    testConfig({
      GRAPH_APP_ID: APP_ID,
      GRAPH_OPENID_CONFIG_URL: openid.configUrl,
      GRAPH_CLIENT_STATE: CLIENT_STATES,
      INGEST_ACTION_RESPONSE_TOKEN: BOT_TOKEN,
      ...overrides,
    });
  const post = (body: unknown, token?: string, path = "/graph/notifications") =>
    postJson(`${ingest.url}${path}`, body, token === undefined ? {} : { authorization: `Bearer ${token}` });

  before(async () => {
    openid = await startOpenIdServer();
    ingest = await startTestIngest({ authenticator: authenticatorFromConfig(authConfig()).authenticator });
    kafka = testKafka(testConfig());
  });
  after(async () => {
    await ingest.close();
    await openid.close();
  });

  it("when a call notification carries a valid Graph token, then 202 and the event is authenticated for its tenant", async () => {
    const res = await post(failedCancelNotification(), await openid.sign());
    assert.equal(res.status, 202, JSON.stringify(res.body));
    acceptedIds.push(...res.body.eventIds);
    const [message] = (await readAll(kafka, ingest.topic)).filter((m) => JSON.parse(m.value).meta.eventId === res.body.eventIds[0]);
    const event = JSON.parse(message!.value);
    assert.equal(event.meta.authenticated, true);
    assert.equal(event.meta.tenantId, TENANT_ID);
  });

  it("when the token names its tenant with the long claim and the Bot Framework issuer, then 202", async () => {
    const token = await openid.sign({
      tid: undefined,
      "http://schemas.microsoft.com/identity/claims/tenantid": TENANT_ID,
      iss: "https://api.botframework.com",
    });
    const res = await post(collection(operationItem({ callId: "c-auth", operationId: "op-auth-2", status: "running" })), token);
    assert.equal(res.status, 202, JSON.stringify(res.body));
    acceptedIds.push(...res.body.eventIds);
  });

  const rejected: [string, () => Promise<string | undefined>][] = [
    ["no Authorization header", async () => undefined],
    ["a token that is not a JWT", async () => "not-a-jwt"],
    ["an expired token", () => openid.sign({}, { expiresIn: Math.floor(Date.now() / 1000) - 3600 })],
    ["a token for another audience", () => openid.sign({ aud: "someone-else" })],
    ["a token signed with an unpublished key", () => openid.sign({}, { key: openid.foreignKey })],
    ["a token without a tenant claim", () => openid.sign({ tid: undefined })],
    ["a token from another issuer", () => openid.sign({ iss: "https://login.example.com" })],
    [
      "an unsecured alg:none token",
      async () =>
        unsecuredToken({
          aud: APP_ID,
          iss: "https://graph.microsoft.com",
          tid: TENANT_ID,
          exp: Math.floor(Date.now() / 1000) + 3600,
        }),
    ],
    [
      "an HS256 token",
      () =>
        new SignJWT({ tid: TENANT_ID })
          .setProtectedHeader({ alg: "HS256", kid: "test-key-1" })
          .setAudience(APP_ID)
          .setIssuer("https://graph.microsoft.com")
          .setExpirationTime("1h")
          .sign(new TextEncoder().encode("a-symmetric-secret-of-32-bytes!!")),
    ],
  ];
  for (const [what, token] of rejected) {
    it(`when a call notification comes with ${what}, then 401 problem+json with the request id`, async () => {
      const res = await post(failedCancelNotification({ operationId: "op-must-not-exist" }), await token());
      assert.equal(res.status, 401, JSON.stringify(res.body));
      assert.match(res.headers.get("content-type") ?? "", /application\/problem\+json/);
      assert.equal(res.body.status, 401);
      assert.equal(res.body.requestId, res.headers.get("x-request-id"));
    });
  }

  it("when the token's tenant is not on the allow-list, then 403", async () => {
    const other = await startTestIngest({
      topic: ingest.topic,
      authenticator: authenticatorFromConfig(authConfig({ GRAPH_TENANT_IDS: "ffffffff-0000-4000-8000-000000000000" })).authenticator,
    });
    try {
      const res = await postJson(`${other.url}/graph/notifications`, failedCancelNotification({ operationId: "op-must-not-exist" }), {
        authorization: `Bearer ${await openid.sign()}`,
      });
      assert.equal(res.status, 403, JSON.stringify(res.body));
    } finally {
      await other.close();
    }
  });

  it("when the signing keys cannot be fetched, then 503 (Graph retries) and not 401", async () => {
    const other = await startTestIngest({
      topic: ingest.topic,
      authenticator: authenticatorFromConfig(authConfig({ GRAPH_OPENID_CONFIG_URL: "http://127.0.0.1:1/openid" })).authenticator,
    });
    try {
      const res = await postJson(`${other.url}/graph/notifications`, failedCancelNotification({ operationId: "op-must-not-exist" }), {
        authorization: `Bearer ${await openid.sign()}`,
      });
      assert.equal(res.status, 503, JSON.stringify(res.body));
    } finally {
      await other.close();
    }
  });

  it("when every change notification carries a configured clientState (old or new), then 202", async () => {
    const res = await post({ value: [changeItem("old-secret-value", "chat-a"), changeItem("new-secret-value", "chat-b")] });
    assert.equal(res.status, 202, JSON.stringify(res.body));
    assert.equal(res.body.accepted, 2);
    acceptedIds.push(...res.body.eventIds);
  });

  for (const [what, bad] of [
    ["a wrong clientState", changeItem("new-secret-valuE", "chat-x")],
    ["no clientState", changeItem(undefined, "chat-y")],
    ["a clientState of another length", changeItem("x", "chat-z")],
  ] as const) {
    it(`when one item of a batch has ${what}, then 403 for the whole request and nothing is stored`, async () => {
      const res = await post({ value: [changeItem("new-secret-value", "chat-ok"), bad] });
      assert.equal(res.status, 403, JSON.stringify(res.body));
      assert.equal(res.body.status, 403);
    });
  }

  it("when a call item is smuggled into a change-notification batch, then 403", async () => {
    const res = await post({
      value: [changeItem("new-secret-value", "chat-ok"), operationItem({ callId: "c", operationId: "op-smuggled" })],
    });
    assert.equal(res.status, 403);
  });

  it("when the bot reports an action response with its token, then 202; without or with a wrong one, 401", async () => {
    const body = {
      callId: "c-action",
      action: "playPrompt",
      operation: { "@odata.type": "#microsoft.graph.playPromptOperation", id: "op-action-auth", status: "completed" },
    };
    const ok = await post(body, BOT_TOKEN, "/graph/action-responses");
    assert.equal(ok.status, 202, JSON.stringify(ok.body));
    acceptedIds.push(...ok.body.eventIds);
    assert.equal((await post(body, undefined, "/graph/action-responses")).status, 401);
    assert.equal((await post(body, `${BOT_TOKEN}x`, "/graph/action-responses")).status, 401);
    assert.equal((await post(body, await openid.sign(), "/graph/action-responses")).status, 401);
  });

  it("when the requests are done, then Kafka holds exactly the accepted events and none of the rejected ones", async () => {
    const ids = (await readAll(kafka, ingest.topic)).map((m) => JSON.parse(m.value).meta.eventId).sort();
    assert.deepEqual(ids, [...acceptedIds].sort());
    assert.equal((await readAll(kafka, ingest.dlq)).length, 0);
  });

  it("when production has no Graph credentials, then ingest refuses to start", () => {
    assert.throws(() => authenticatorFromConfig(testConfig({ NODE_ENV: "production" })), /refuses to start in production/);
    assert.throws(
      () =>
        authenticatorFromConfig(testConfig({ NODE_ENV: "production", GRAPH_APP_ID: APP_ID, GRAPH_OPENID_CONFIG_URL: "http://x.test/" })),
      /https/,
    );
  });

  it("when production has only GRAPH_APP_ID, then the doors without credentials refuse instead of accepting unauthenticated", async () => {
    const { authenticator, unprotected } = authenticatorFromConfig(testConfig({ NODE_ENV: "production", GRAPH_APP_ID: APP_ID }));
    assert.equal(unprotected.length, 2);
    await assert.rejects(authenticator.notifications(undefined, { value: [changeItem("anything")] }), { status: 403 });
    await assert.rejects(authenticator.actionResponse(undefined), { status: 401 });
  });

  it("when development has no credentials, then requests are accepted and marked authenticated: false", async () => {
    const { authenticator } = authenticatorFromConfig(testConfig({ NODE_ENV: "development" }));
    assert.deepEqual(await authenticator.notifications(undefined, failedCancelNotification()), { authenticated: false });
    assert.deepEqual(await authenticator.notifications(undefined, { value: [changeItem("wrong")] }), { authenticated: false });
  });
});
