// The read API's audit queries on a real Postgres (rows written by the real projector writer):
// filters, cursor paging, CSV export, calls, stats, alerts, tokens, streams, and the OpenAPI document.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { startApi } from "../../services/api/main.js";
import { openApiDocument } from "../../services/api/openapi.js";
import { createLogger } from "../../services/platform/logger.js";
import {
  alertPageSchema,
  alertViewSchema,
  callSummarySchema,
  eventPageSchema,
  historySchema,
  operationPageSchema,
  statsSchema,
} from "../../services/api/schemas.js";
import type { Db } from "../../services/platform/db.js";
import { callEvent, project, resetOffsets, startTestApi, type TestApi } from "../support/api.js";
import { resetTables, testDb } from "../support/db.js";
import { testConfig } from "../support/env.js";
import { opEvent } from "../support/events.js";
import { getJson, postJson } from "../support/http.js";

const base = Date.now() - 10 * 60_000;
const at = (s: number) => new Date(base + s * 1000).toISOString();
const MESSAGE = 'Media processor unavailable, "retry" later';

function seed() {
  const d1 = opEvent({
    operationId: "d1",
    callId: "callB",
    type: "sendDtmfTonesOperation",
    status: "notStarted",
    at: at(5),
    clientContext: "ctx-d1",
  });
  d1.meta.tenantId = "tenant-x";
  return [
    opEvent({
      operationId: "c1",
      callId: "callA",
      type: "cancelMediaProcessingOperation",
      status: "failed",
      at: at(1),
      clientContext: "ctx-c1",
      resultInfo: { code: 500, subcode: 9001, message: MESSAGE },
    }),
    opEvent({ operationId: "p1", callId: "callA", type: "playPromptOperation", status: "running", at: at(2), clientContext: "ctx-p1" }),
    opEvent({
      operationId: "p1",
      callId: "callA",
      type: "playPromptOperation",
      status: "completed",
      at: at(3),
      resultInfo: { code: 200, subcode: 0, message: "ok" },
    }),
    opEvent({
      operationId: "r1",
      callId: "callB",
      type: "recordOperation",
      status: "failed",
      at: at(4),
      resultInfo: { code: 400, subcode: 8508, message: "Operation canceled" },
    }),
    d1,
    callEvent("callA", at(6), "call-ev-1"),
  ];
}

const ids = (body: { items: { id: string }[] }) => body.items.map((i) => i.id);

describe("read API audit queries (real Postgres)", () => {
  let db: Db;
  let api: TestApi;
  const config = testConfig();

  before(async () => {
    db = testDb(config);
    await resetTables(db);
    resetOffsets();
    await project(db, seed());
    api = await startTestApi(db);
  });
  after(async () => {
    assert.deepEqual(api.routes.violations, [], "every response matches its declared schema");
    await api.close();
    await db.$disconnect();
  });

  it("when /operations is asked with each filter, then only matching operations come back, newest first", async () => {
    const cases: [string, string[]][] = [
      ["", ["d1", "r1", "p1", "c1"]],
      ["?callId=callA", ["p1", "c1"]],
      ["?tenantId=tenant-x", ["d1"]],
      ["?type=recordOperation", ["r1"]],
      ["?status=failed", ["r1", "c1"]],
      ["?outcome=canceled", ["r1"]],
      ["?outcome=failed", ["c1"]],
      ["?code=500&subcode=9001", ["c1"]],
      ["?subcode=8508", ["r1"]],
      ["?clientContext=ctx-p1", ["p1"]],
      [`?firstSeenFrom=${at(2)}&firstSeenTo=${at(4)}`, ["p1"]],
      [`?changedFrom=${encodeURIComponent(at(3))}`, ["d1", "r1", "p1"]],
      ["?q=PROCESSOR", ["c1"]],
      ["?q=100%25", []],
      ["?order=asc", ["c1", "p1", "r1", "d1"]],
    ];
    for (const [query, expected] of cases) {
      const res = await getJson(`${api.url}/operations${query}`);
      assert.equal(res.status, 200, query);
      operationPageSchema.parse(res.body);
      assert.deepEqual(ids(res.body), expected, query);
    }
  });

  it("when paging with limit 1, then every operation comes exactly once and the last page has no cursor", async () => {
    for (const order of ["desc", "asc"]) {
      const seen: string[] = [];
      let cursor: string | null = null;
      do {
        const res: { status: number; body: any } = await getJson(
          `${api.url}/operations?limit=1&order=${order}${cursor ? `&cursor=${cursor}` : ""}`,
        );
        assert.equal(res.status, 200);
        seen.push(...ids(res.body));
        cursor = res.body.nextCursor;
      } while (cursor);
      assert.deepEqual(seen, order === "desc" ? ["d1", "r1", "p1", "c1"] : ["c1", "p1", "r1", "d1"]);
    }
  });

  it("when a parameter is bad or unknown, then 400 problem+json names it", async () => {
    const cases: [string, string][] = [
      ["limit=0", "limit"],
      ["limit=501", "limit"],
      ["limit=ten", "limit"],
      ["outcome=weird", "outcome"],
      ["code=abc", "code"],
      ["firstSeenFrom=yesterday", "firstSeenFrom"],
      ["q=ab", "q"],
      ["cursor=bm90LWEtY3Vyc29y", "cursor"],
      ["colour=blue", "colour"],
      ["status=a&status=b", "status"],
    ];
    for (const [query, name] of cases) {
      const res = await getJson(`${api.url}/operations?${query}`);
      assert.equal(res.status, 400, query);
      assert.match(res.headers.get("content-type") ?? "", /application\/problem\+json/);
      assert.ok(
        res.body.errors.some((e: { path: string }) => e.path === name),
        `${query}: ${JSON.stringify(res.body.errors)}`,
      );
    }
    const desc = await getJson(`${api.url}/operations?limit=1`);
    const mixed = await getJson(`${api.url}/operations?order=asc&cursor=${desc.body.nextCursor}`);
    assert.equal(mixed.status, 400);
  });

  it("when the list is asked as CSV, then every matching row comes with a header and proper escaping", async () => {
    const res = await fetch(`${api.url}/operations?limit=1`, { headers: { accept: "text/csv" } });
    assert.equal(res.status, 200);
    assert.match(res.headers.get("content-type") ?? "", /^text\/csv/);
    const lines = (await res.text()).split("\r\n").filter(Boolean);
    assert.equal(lines.length, 5, "header + all 4 rows (limit does not cut the export)");
    assert.ok(lines[0]!.startsWith("id,callId,tenantId,type,status,outcome"));
    const c1 = lines.find((l) => l.startsWith("c1,"));
    assert.ok(c1?.includes(`"Media processor unavailable, ""retry"" later"`), c1);
  });

  it("when a history is asked as JSON and as CSV, then both carry every event", async () => {
    const json = await getJson(`${api.url}/operations/p1/history`);
    assert.equal(json.status, 200);
    historySchema.parse(json.body);
    assert.deepEqual(
      json.body.events.map((e: { statusAfter: string }) => e.statusAfter),
      ["running", "completed"],
    );
    const csv = await fetch(`${api.url}/operations/p1/history`, { headers: { accept: "text/csv" } });
    const lines = (await csv.text()).split("\r\n").filter(Boolean);
    assert.equal(lines.length, 3);
    assert.match(lines[0]!, /^eventId,kind,source,operationId/);
    assert.equal((await getJson(`${api.url}/operations/nope/history`)).status, 404);
  });

  it("when a call is asked, then the summary counts its operations, alerts and history rows", async () => {
    const res = await getJson(`${api.url}/calls/callA`);
    assert.equal(res.status, 200);
    callSummarySchema.parse(res.body);
    assert.equal(res.body.operationCount, 2);
    assert.deepEqual(res.body.byStatus, { completed: 1, failed: 1 });
    assert.deepEqual(res.body.byOutcome, { succeeded: 1, failed: 1 });
    assert.equal(res.body.openAlerts, 1, "the failed cancellation raised one alert");
    assert.equal(res.body.events, 4, "three operation events and one call event");
    assert.equal(res.body.firstSeenAt, at(1));
    assert.equal(res.body.lastSeenAt, at(6));
    assert.equal((await getJson(`${api.url}/calls/unknown`)).status, 404);

    const ops = await getJson(`${api.url}/calls/callA/operations?status=completed`);
    assert.deepEqual(ids(ops.body), ["p1"]);
    assert.equal((await getJson(`${api.url}/calls/callA/operations?callId=x`)).status, 400);

    const first = await getJson(`${api.url}/calls/callA/events?limit=3`);
    eventPageSchema.parse(first.body);
    const rest = await getJson(`${api.url}/calls/callA/events?limit=3&cursor=${first.body.nextCursor}`);
    const kinds = [...first.body.items, ...rest.body.items].map((e: { kind: string }) => e.kind);
    assert.deepEqual(kinds, ["operation", "operation", "operation", "call"]);
    assert.equal(rest.body.nextCursor, null);
  });

  it("when stats are asked for the last hour, then counts, failure rate and a zero-filled series come back", async () => {
    const res = await getJson(`${api.url}/stats?window=1h&bucket=5m`);
    assert.equal(res.status, 200, JSON.stringify(res.body));
    statsSchema.parse(res.body);
    assert.equal(res.body.series.length, 12);
    assert.deepEqual(res.body.failureRate, { total: 3, failed: 1, rate: 1 / 3 });
    assert.equal(
      res.body.series.reduce((n: number, b: { total: number }) => n + b.total, 0),
      4,
    );
    assert.equal(
      res.body.series.reduce((n: number, b: { canceled: number }) => n + b.canceled, 0),
      1,
    );
    assert.ok(
      res.body.byTypeStatus.some((r: any) => r.type === "cancelMediaProcessingOperation" && r.status === "failed" && r.count === 1),
    );
    for (const q of ["window=1y", "window=1h&bucket=1s", "window=100d", "bucket=2h&window=1h"]) {
      assert.equal((await getJson(`${api.url}/stats?${q}`)).status, 400, q);
    }
  });

  it("when alerts are listed and acknowledged, then ack records who and a second ack is 409", async () => {
    const list = await getJson(`${api.url}/alerts?state=open`);
    assert.equal(list.status, 200);
    alertPageSchema.parse(list.body);
    assert.equal(list.body.items.length, 1);
    const alert = list.body.items[0];
    assert.equal(alert.rule, "failed-cancellation");
    assert.equal(alert.operationId, "c1");
    assert.deepEqual(alert.resultInfo, { code: 500, subcode: 9001, message: MESSAGE });
    assert.equal((await getJson(`${api.url}/alerts?rule=failed-cancellation&callId=callB`)).body.items.length, 0);

    assert.equal((await postJson(`${api.url}/alerts/${alert.id}/ack`, { note: "x" })).status, 400);
    const acked = await postJson(`${api.url}/alerts/${alert.id}/ack`, { by: "oncall@example.com", note: "media team paged" });
    assert.equal(acked.status, 200);
    alertViewSchema.parse(acked.body);
    assert.equal(acked.body.state, "acknowledged");
    assert.equal(acked.body.ackedBy, "oncall@example.com");
    assert.equal((await postJson(`${api.url}/alerts/${alert.id}/ack`, { by: "other" })).status, 409);
    assert.equal((await postJson(`${api.url}/alerts/al_unknown/ack`, { by: "x" })).status, 404);
    assert.equal((await getJson(`${api.url}/alerts?state=acknowledged`)).body.items.length, 1);
  });

  it("when a new alert and a status change are projected, then the SSE streams send them", async () => {
    const controller = new AbortController();
    const read = async (path: string, event: string) => {
      const res = await fetch(`${api.url}${path}`, { signal: controller.signal });
      assert.match(res.headers.get("content-type") ?? "", /text\/event-stream/);
      const reader = res.body!.getReader();
      let text = "";
      return async () => {
        while (!text.includes(`event: ${event}\n`)) {
          const { value, done } = await reader.read();
          if (done) break;
          text += Buffer.from(value).toString();
        }
        return text;
      };
    };
    const alerts = await read("/alerts/stream", "alert");
    const operations = await read("/operations/stream", "operation");
    await project(db, [
      opEvent({ operationId: "c2", callId: "callC", type: "cancelMediaProcessingOperation", status: "failed", at: at(7) }),
    ]);
    const [a, o] = await Promise.all([alerts(), operations()]);
    controller.abort();
    const alertData = JSON.parse(/event: alert\ndata: (.*)\n/.exec(a)![1]!);
    alertViewSchema.parse(alertData);
    assert.equal(alertData.operationId, "c2");
    const opData = JSON.parse(/event: operation\ndata: (.*)\n/.exec(o)![1]!);
    assert.equal(opData.id, "c2");
    assert.equal(opData.status, "failed");
  });

  it("when the OpenAPI document is built, then every route Express serves is in it", async () => {
    const res = await getJson(`${api.url}/openapi.json`);
    assert.equal(res.status, 200);
    assert.equal(res.body.openapi, "3.1.0");
    const documented = new Set(Object.entries(res.body.paths).flatMap(([p, ops]) => Object.keys(ops as object).map((m) => `${m} ${p}`)));
    const served = expressRoutes(api.app);
    assert.ok(served.length >= 15, String(served));
    for (const r of served) assert.ok(documented.has(r), `${r} is not in /openapi.json`);
    assert.deepEqual(openApiDocument(api.routes), res.body);
    const docs = await fetch(`${api.url}/docs`);
    assert.equal(docs.status, 200);
    const html = await docs.text();
    assert.ok(html.includes("/operations/{id}/history") && !/<script src=/.test(html));
  });
});

/** `method /path` of every route registered in an Express 5 app, mounted routers included. */
function expressRoutes(app: any): string[] {
  const out: string[] = [];
  const walk = (stack: any[]) => {
    for (const layer of stack) {
      if (layer.route) {
        for (const m of Object.keys(layer.route.methods))
          out.push(`${m} ${String(layer.route.path).replaceAll(/:([A-Za-z0-9_]+)/g, "{$1}")}`);
      } else if (layer.handle?.stack) walk(layer.handle.stack);
    }
  };
  walk(app.router.stack);
  return out;
}

describe("read API tokens", () => {
  let db: Db;
  let api: TestApi;
  before(async () => {
    db = testDb(testConfig());
    api = await startTestApi(db, { tokens: ["s3cret-token", "second-token"] });
  });
  after(async () => {
    await api.close();
    await db.$disconnect();
  });

  it("when tokens are configured, then queries need one and health, metrics and docs stay open", async () => {
    assert.equal((await getJson(`${api.url}/operations`)).status, 401);
    assert.equal((await getJson(`${api.url}/operations`, { authorization: "Bearer wrong" })).status, 401);
    assert.equal((await getJson(`${api.url}/operations?access_token=s3cret-token`)).status, 401, "query token only for streams");
    assert.equal((await getJson(`${api.url}/operations`, { authorization: "Bearer second-token" })).status, 200);
    for (const open of ["/healthz", "/metrics", "/openapi.json", "/docs"])
      assert.equal((await fetch(`${api.url}${open}`)).status, 200, open);
    const controller = new AbortController();
    const stream = await fetch(`${api.url}/alerts/stream?access_token=s3cret-token`, { signal: controller.signal });
    assert.equal(stream.status, 200);
    controller.abort();
    const denied = await fetch(`${api.url}/alerts/stream?access_token=wrong-secret-xyz`);
    assert.equal(denied.status, 401);
    assert.ok(!(await denied.text()).includes("wrong-secret-xyz"), "the token is not echoed");
  });

  it("when started in production without API_TOKENS, then the api refuses to start", async () => {
    const config = { ...testConfig(), NODE_ENV: "production" as const, API_TOKENS: [] };
    await assert.rejects(startApi(config, createLogger({ level: "silent", name: "t" })), /API_TOKENS/);
  });
});
