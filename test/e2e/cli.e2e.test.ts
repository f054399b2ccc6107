// The optrail CLI as an operator runs it: a real process (bin/optrail.mjs) against the real stack.
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { randomUUID } from "node:crypto";
import { tmpdir } from "node:os";
import { fileURLToPath } from "node:url";
import { after, before, describe, it } from "node:test";
import { CALL_ID, CANCEL_OPERATION_ID, collection, failedCancelNotification, operationItem } from "../fixtures/graph.js";
import { eventually, resetTables, testDb } from "../support/db.js";
import { testConfig } from "../support/env.js";
import { getJson, postJson } from "../support/http.js";
import { freePort, startStack, type Stack } from "../support/stack.js";

const BIN = fileURLToPath(new URL("../../bin/optrail.mjs", import.meta.url));
const REPO = fileURLToPath(new URL("../../", import.meta.url));

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs `optrail <args>` from a directory outside the repo, as a separate process. */
function optrail(args: string[], env: Record<string, string> = {}, opts: { cwd?: string; command?: string[] } = {}): Promise<Run> {
  const [cmd, ...pre] = opts.command ?? [process.execPath, BIN];
  const child = spawn(cmd!, [...pre, ...args], {
    cwd: opts.cwd ?? tmpdir(),
    env: { ...process.env, ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
  child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
  return new Promise((resolve) => child.once("close", (code) => resolve({ code, stdout, stderr })));
}

describe("optrail CLI against the running stack", () => {
  let stack: Stack;
  let env: Record<string, string>;

  before(async () => {
    const db = testDb(testConfig());
    await resetTables(db);
    await db.$disconnect();
    stack = await startStack();
    env = { OPTRAIL_API_URL: stack.apiUrl };
    assert.equal((await postJson(`${stack.ingestUrl}/graph/notifications`, failedCancelNotification())).status, 202);
    await eventually(async () => ((await getJson(`${stack.apiUrl}/operations/${CANCEL_OPERATION_ID}`)).status === 200 ? true : undefined));
  });
  after(async () => {
    await stack?.stop();
  });

  it("when status is asked for a known operation, then it prints its state aligned and exits 0", async () => {
    const run = await optrail(["status", CANCEL_OPERATION_ID], env);
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stdout, new RegExp(`^operation\\s+${CANCEL_OPERATION_ID}$`, "m"));
    assert.match(run.stdout, /^type\s+cancelMediaProcessingOperation$/m);
    assert.match(run.stdout, /^status\s+failed$/m);
    assert.match(run.stdout, /^result\s+500\/9001 Media processor unavailable\.$/m);
    assert.match(run.stdout, new RegExp(`^call\\s+${CALL_ID}$`, "m"));
    const valueColumns = new Set(
      run.stdout
        .trim()
        .split("\n")
        .map((l) => l.search(/(?<=\S\s{2,})\S/)),
    );
    assert.equal(valueColumns.size, 1, `values start in one column:\n${run.stdout}`);
  });

  it("when status --json is asked, then it prints exactly the API's operation", async () => {
    const run = await optrail(["status", CANCEL_OPERATION_ID, "--json"], env);
    assert.equal(run.code, 0, run.stderr);
    const api = await getJson(`${stack.apiUrl}/operations/${CANCEL_OPERATION_ID}`);
    assert.deepEqual(JSON.parse(run.stdout), api.body);
  });

  it("when history is asked, then it prints one line per event with the status change, and --json the API's history", async () => {
    const playId = "5e5e5e5e-0000-4000-8000-000000000001";
    for (const status of ["running", "completed"]) {
      const body = collection(operationItem({ callId: CALL_ID, operationId: playId, status }));
      assert.equal((await postJson(`${stack.ingestUrl}/graph/notifications`, body)).status, 202);
    }
    await eventually(async () => {
      const h = await getJson(`${stack.apiUrl}/operations/${playId}/history`);
      return h.status === 200 && h.body.events.length === 2 ? true : undefined;
    });
    const run = await optrail(["history", playId], env);
    assert.equal(run.code, 0, run.stderr);
    const lines = run.stdout.trim().split("\n");
    assert.match(lines[0]!, new RegExp(`^operation ${playId}\\s+call ${CALL_ID}\\s+2 events$`));
    assert.match(lines[1]!, /^RECEIVED\s+CHANGE\s+REPORTED\s+RESULT\s+FLAGS\s+SOURCE\s+KAFKA$/);
    assert.match(lines[2]!, /new -> running/);
    assert.match(lines[3]!, /running -> completed/);
    assert.equal(lines.length, 4);
    assert.equal(lines[2]!.indexOf("new ->"), lines[1]!.indexOf("CHANGE"), "columns are aligned");

    const json = await optrail(["history", playId, "--json"], env);
    assert.equal(json.code, 0, json.stderr);
    const body = JSON.parse(json.stdout);
    assert.equal(body.operationId, playId);
    assert.deepEqual(
      body.events.map((e: { statusAfter: string }) => e.statusAfter),
      ["running", "completed"],
    );
  });

  it("when the operation is unknown, then it says so on stderr and exits 2", async () => {
    for (const command of ["status", "history"]) {
      const run = await optrail([command, "no-such-operation"], env);
      assert.equal(run.code, 2, `${command}: ${run.stderr}`);
      assert.equal(run.stdout, "");
      assert.match(run.stderr, new RegExp(`^optrail ${command}: operation no-such-operation is not known`));
    }
  });

  it("when --help is given to the CLI or any command, then it prints usage and exits 0", async () => {
    const main = await optrail(["--help"]);
    assert.equal(main.code, 0);
    for (const command of ["status", "history", "alerts", "tail", "replay-dead-letters", "rebuild"]) {
      assert.match(main.stdout, new RegExp(`^  ${command}\\s+\\S`, "m"));
      const run = await optrail([command, "--help"]);
      assert.equal(run.code, 0, run.stderr);
      assert.match(run.stdout, new RegExp(`^usage: optrail ${command}`));
    }
  });

  it("when run with npx from a directory inside the repo, then the package's bin runs the CLI", async () => {
    const run = await optrail(["status", CANCEL_OPERATION_ID, "--json"], env, {
      cwd: `${REPO}services`,
      command: ["npx", "--no-install", "optrail"],
    });
    assert.equal(run.code, 0, run.stderr);
    assert.equal(JSON.parse(run.stdout).id, CANCEL_OPERATION_ID);
  });

  it("when the command is unknown or misused, then it explains and exits 1", async () => {
    const unknown = await optrail(["frobnicate"], env);
    assert.equal(unknown.code, 1);
    assert.match(unknown.stderr, /unknown command "frobnicate"/);
    const missing = await optrail(["status"], env);
    assert.equal(missing.code, 1);
    assert.match(missing.stderr, /status needs an operation id/);
    const badOption = await optrail(["history", CANCEL_OPERATION_ID, "--colour"], env);
    assert.equal(badOption.code, 1);
    assert.match(badOption.stderr, /Unknown option '--colour'/);
  });

  it("when the API cannot be reached, then it says where it tried and exits 3", async () => {
    const closed = `http://127.0.0.1:${await freePort()}`;
    const run = await optrail(["status", CANCEL_OPERATION_ID], { OPTRAIL_API_URL: closed });
    assert.equal(run.code, 3);
    assert.match(run.stderr, new RegExp(`cannot reach the optrail API at ${closed.replaceAll(".", "\\.")} \\(ECONNREFUSED\\)`));
  });

  // Needs API_TOKENS (built in another branch).
  it("when the API needs a token, then the CLI sends OPTRAIL_API_TOKEN, and without it says so and exits 3", async () => {
    const token = "cli-e2e-token";
    const authStack = await startStack({ API_TOKENS: token });
    try {
      const without = await optrail(["status", CANCEL_OPERATION_ID], { OPTRAIL_API_URL: authStack.apiUrl });
      assert.equal(without.code, 3, without.stderr);
      assert.match(without.stderr, /refused the request \(401.*set OPTRAIL_API_TOKEN/);
      const withToken = await optrail(["status", "no-such-operation"], { OPTRAIL_API_URL: authStack.apiUrl, OPTRAIL_API_TOKEN: token });
      assert.equal(withToken.code, 2, withToken.stderr);
    } finally {
      await authStack.stop();
    }
  });

  // Needs GET /alerts (built in another branch).
  it("when alerts are listed, then a failed cancellation's open alert is shown, as a table and as JSON", async () => {
    // Its own operation id: alerts of earlier test files may still be in the database.
    const operationId = randomUUID();
    assert.equal((await postJson(`${stack.ingestUrl}/graph/notifications`, failedCancelNotification({ operationId }))).status, 202);
    const alert = await eventually(
      async () => {
        const json = await optrail(["alerts", "--json"], env);
        assert.equal(json.code, 0, json.stderr);
        return JSON.parse(json.stdout).items.find((a: { operationId: string }) => a.operationId === operationId);
      },
      10_000,
      500,
    );
    assert.equal(alert.state, "open");
    const human = await optrail(["alerts", "--state", "open"], env);
    assert.equal(human.code, 0, human.stderr);
    assert.match(human.stdout, /^CREATED\s+SEVERITY\s+STATE\s+ID\s+OPERATION\s+RESULT\s+TITLE$/m);
    assert.match(human.stdout, new RegExp(`open\\s+${alert.id}\\s+${operationId}\\s+500/9001`));
  });

  // Needs the SSE stream /operations/stream (built in another branch).
  it("when tail runs and an operation changes, then it prints one JSON line for the change", async () => {
    const opId = "5e5e5e5e-0000-4000-8000-000000000002";
    const child = spawn(process.execPath, [BIN, "tail", "--only", "operations", "--json"], {
      cwd: tmpdir(),
      env: { ...process.env, ...env },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let out = "";
    let err = "";
    child.stdout.on("data", (d: Buffer) => (out += d.toString()));
    child.stderr.on("data", (d: Buffer) => (err += d.toString()));
    try {
      await new Promise((r) => setTimeout(r, 1500));
      assert.equal(child.exitCode, null, `tail exited early: ${err}`);
      await postJson(
        `${stack.ingestUrl}/graph/notifications`,
        collection(operationItem({ callId: CALL_ID, operationId: opId, status: "running" })),
      );
      const line = await eventually(async () => out.split("\n").find((l) => l.includes(opId)));
      const parsed = JSON.parse(line);
      assert.equal(parsed.stream, "operations");
      assert.equal(parsed.data.id, opId);
      assert.equal(parsed.data.status, "running");
    } finally {
      child.kill("SIGINT");
    }
    const code = await new Promise((r) => (child.exitCode !== null ? r(child.exitCode) : child.once("exit", r)));
    assert.equal(code, 0, "Ctrl-C ends tail with exit 0");
  });
});
