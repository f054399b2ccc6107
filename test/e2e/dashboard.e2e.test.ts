// The operator console in a real browser (Debian chromium via playwright-core) against the real
// services/main.ts process, real Kafka and Postgres; notifications are posted to ingest like Graph does.
import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { after, before, describe, it } from "node:test";
import type { Browser, Page } from "playwright-core";
import { failedCancelNotification } from "../fixtures/graph.js";
import { CONSOLE_CALL_ID, PROMPT_OPERATION_ID, RECORD_OPERATION_ID, consoleTraffic } from "../fixtures/console-traffic.js";
import { launchBrowser, newConsoleContext } from "../support/browser.js";
import { eventually, resetTables, testDb } from "../support/db.js";
import { testConfig } from "../support/env.js";
import { getJson, postJson } from "../support/http.js";
import { startStack, type Stack } from "../support/stack.js";

// The stack of most tests runs without API_TOKENS; the token test starts one with it.
const TOKEN = "console-e2e-token";
const UI_TIMEOUT = 10_000;

describe("operator console: the dashboard in a browser", () => {
  let stack: Stack;
  let browser: Browser;

  before(async () => {
    const db = testDb(testConfig());
    await resetTables(db);
    await db.$disconnect();
    stack = await startStack();
    browser = await launchBrowser();
    for (const body of consoleTraffic()) assert.equal((await postJson(`${stack.ingestUrl}/graph/notifications`, body)).status, 202);
    await eventually(async () => {
      const res = await getJson(`${stack.apiUrl}/operations/${PROMPT_OPERATION_ID}/history`);
      return res.status === 200 && res.body.events.length === 3 ? true : undefined;
    });
  });
  after(async () => {
    await browser?.close();
    await stack?.stop();
  });

  async function openConsole(hash: string, token: string | undefined = undefined, apiUrl = stack.apiUrl): Promise<Page> {
    const context = await newConsoleContext(browser, token);
    const page = await context.newPage();
    page.setDefaultTimeout(UI_TIMEOUT);
    await page.goto(`${apiUrl}/${hash}`);
    return page;
  }

  it("when the page and its assets are requested without a token, then they are served with caching headers", async () => {
    const page = await fetch(`${stack.apiUrl}/`);
    assert.equal(page.status, 200);
    assert.match(page.headers.get("content-type") ?? "", /text\/html/);
    assert.equal(page.headers.get("cache-control"), "no-cache");
    assert.match(page.headers.get("content-security-policy") ?? "", /default-src 'self'/);
    assert.ok(page.headers.get("etag"));
    assert.match(await page.text(), /<title>optrail console<\/title>/);

    for (const [asset, type] of [
      ["app.js", /javascript/],
      ["style.css", /text\/css/],
    ] as const) {
      const res = await fetch(`${stack.apiUrl}/dashboard/${asset}`);
      assert.equal(res.status, 200, asset);
      assert.match(res.headers.get("content-type") ?? "", type);
      assert.match(res.headers.get("cache-control") ?? "", /max-age=300/);
      const etag = res.headers.get("etag");
      assert.ok(etag);
      const again = await fetch(`${stack.apiUrl}/dashboard/${asset}`, {
        // What a browser sends when it revalidates; without a cache-control of its own, fetch adds no-cache.
        headers: { "if-none-match": etag, "cache-control": "max-age=0" },
      });
      assert.equal(again.status, 304, `${asset} revalidates`);
    }
  });

  it("when an operation id is searched, then the operation opens with its timeline: status changes, resultInfo, the duplicate flagged", async () => {
    const page = await openConsole("#/operations");
    await page.getByTestId("search-operation-id").fill(PROMPT_OPERATION_ID);
    await page.getByTestId("search-submit").click();

    await page.getByTestId("operation-id").filter({ hasText: PROMPT_OPERATION_ID }).waitFor();
    assert.equal(new URL(page.url()).hash, `#/operations/${PROMPT_OPERATION_ID}`);
    await page.getByTestId("timeline-event").nth(2).waitFor();
    assert.equal(await page.getByTestId("operation-status").textContent(), "completed");
    assert.match((await page.getByTestId("operation-result").textContent()) ?? "", /200\/0 Action completed successfully\./);

    const events = page.getByTestId("timeline-event");
    assert.equal(await events.count(), 3);
    assert.match((await events.nth(0).getByTestId("event-change").textContent()) ?? "", /new\s*→\s*running/);
    assert.match((await events.nth(1).getByTestId("event-change").textContent()) ?? "", /running\s*→\s*completed/);
    assert.match((await events.nth(1).getByTestId("event-result").textContent()) ?? "", /200\/0 Action completed successfully/);
    assert.equal(await events.nth(1).getByTestId("flag-duplicate").count(), 0);
    assert.equal(
      await events.nth(2).getByTestId("flag-duplicate").count(),
      1,
      "the second delivery of the completion is flagged duplicate",
    );
    assert.ok(await events.nth(0).locator("time").getAttribute("datetime"), "each event shows its received time");
    await page.context().close();
  });

  it("when the stream endpoints do not answer, then the badge says live: disconnected and the pages still work", async () => {
    const context = await newConsoleContext(browser);
    await context.route(/\/(operations|alerts)\/stream/, (route) =>
      route.fulfill({ status: 404, contentType: "application/problem+json", body: "{}" }),
    );
    const page = await context.newPage();
    page.setDefaultTimeout(UI_TIMEOUT);
    await page.goto(`${stack.apiUrl}/#/operations/${RECORD_OPERATION_ID}`);
    await page.getByTestId("live-badge").filter({ hasText: "live: disconnected" }).waitFor();
    await page.getByTestId("timeline-event").first().waitFor();
    assert.equal(await page.getByTestId("operation-status").textContent(), "running");
    await context.close();
  });

  // ---- From here on the assertions need endpoints built in other branches (see the README's API table):
  // auth (API_TOKENS), GET /operations, GET /calls/:id(/operations), GET /stats, GET /projection/status,
  // GET /alerts, POST /alerts/:id/ack, and the SSE streams.

  it("when the API answers 401, then the page asks for the token, keeps it in localStorage and shows the data, live", async () => {
    const authStack = await startStack({ API_TOKENS: TOKEN });
    try {
      assert.equal((await fetch(`${authStack.apiUrl}/`)).status, 200, "the page itself needs no token");
      assert.equal((await fetch(`${authStack.apiUrl}/dashboard/app.js`)).status, 200, "nor do its assets");
      const page = await openConsole("#/", undefined, authStack.apiUrl);
      await page.getByTestId("token-dialog").waitFor({ state: "visible" });
      await page.getByTestId("token-input").fill(TOKEN);
      await page.getByTestId("token-save").click();
      await page.getByTestId("token-dialog").waitFor({ state: "hidden" });
      assert.equal(await page.evaluate(() => (globalThis as any).localStorage.getItem("optrail.apiToken")), TOKEN);
      await page.getByTestId("panel-alerts").locator("[data-testid=alerts], [data-testid=alerts-empty]").first().waitFor();
      await page.getByTestId("lag-total").waitFor();
      // The SSE streams get the token as ?access_token= (EventSource sends no headers).
      await page
        .getByTestId("live-badge")
        .filter({ hasText: /^live$/ })
        .waitFor();
      await page.context().close();
    } finally {
      await authStack.stop();
    }
  });

  it("when the overview is open, then it shows operations by type and status, the failure rate chart and the projection lag", async () => {
    const page = await openConsole("#/");
    await page.getByTestId("type-status-grid").waitFor();
    assert.equal((await page.getByTestId("cell-playPromptOperation-completed").textContent())?.trim(), "1");
    assert.equal((await page.getByTestId("cell-recordOperation-running").textContent())?.trim(), "1");
    await page.getByTestId("failure-chart").waitFor();
    assert.match((await page.getByTestId("failure-rate").textContent()) ?? "", /% failed/);
    await page.getByTestId("lag-total").waitFor();
    assert.match((await page.getByTestId("lag-total").textContent()) ?? "", /^\d+ events behind/);
    assert.equal(await page.getByTestId("panel-error").count(), 0, "no panel reports an error");
    await page.context().close();
  });

  it("when a call id is searched, then its operations are listed and the call view shows them too", async () => {
    const page = await openConsole("#/operations");
    await page.getByTestId("search-call-id").fill(CONSOLE_CALL_ID);
    await page.getByTestId("search-submit").click();
    await page.getByTestId("operation-row").nth(1).waitFor();
    assert.equal(await page.getByTestId("operation-row").count(), 2);
    const ids = await page.getByTestId("operation-row").evaluateAll((rows) => rows.map((r) => (r as any).dataset.operationId));
    assert.deepEqual(new Set(ids), new Set([PROMPT_OPERATION_ID, RECORD_OPERATION_ID]));

    await page.locator(`[data-testid=operation-row][data-operation-id="${PROMPT_OPERATION_ID}"] a`).first().click();
    await page.getByTestId("timeline-event").first().waitFor();
    await page.getByTestId("call-link").click();
    await page.getByTestId("call-id").filter({ hasText: CONSOLE_CALL_ID }).waitFor();
    await page.getByTestId("call-operation-count").filter({ hasText: "2" }).waitFor();
    await page.getByTestId("operation-row").nth(1).waitFor();
    assert.equal(await page.getByTestId("operation-row").count(), 2);
    await page.context().close();
  });

  it("when a failed cancellation is posted while the overview is open, then its alert appears without reload and can be acknowledged", async () => {
    // Its own operation id: alerts of earlier test files may still be in the database.
    const operationId = randomUUID();
    const page = await openConsole("#/");
    await page
      .getByTestId("live-badge")
      .filter({ hasText: /^live$/ })
      .waitFor();
    await page.getByTestId("panel-alerts").locator("[data-testid=alerts], [data-testid=alerts-empty]").first().waitFor();
    await page.evaluate(() => ((globalThis as any).noReload = true));

    const posted = await postJson(
      `${stack.ingestUrl}/graph/notifications`,
      failedCancelNotification({ callId: CONSOLE_CALL_ID, operationId }),
    );
    assert.equal(posted.status, 202);
    const alert = page.getByTestId("alert-item").filter({ has: page.locator(`a[href="#/operations/${operationId}"]`) });
    await alert.waitFor();
    assert.equal(await page.evaluate(() => (globalThis as any).noReload), true, "the page was not reloaded");
    assert.match((await alert.textContent()) ?? "", /500\/9001/);

    await alert.getByTestId("ack-button").click();
    await alert.getByTestId("ack-by").fill("e2e-operator");
    await alert.getByTestId("ack-note").fill("media processor restarted");
    await alert.getByTestId("ack-confirm").click();
    await alert.waitFor({ state: "detached" });

    const acked = await getJson(`${stack.apiUrl}/alerts?state=acknowledged`);
    assert.equal(acked.status, 200);
    const mine = acked.body.items.find((a: { operationId: string }) => a.operationId === operationId);
    assert.equal(mine?.state, "acknowledged");
    assert.equal(mine?.ackedBy, "e2e-operator");
    assert.equal(mine?.ackNote, "media processor restarted");
    await page.context().close();
  });
});
