// Query plans of the audit list on 120k operations: no filter may scan the whole operation table.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { operationListSql, type OperationFilters, type OperationPageRequest } from "../../services/api/operation-queries.js";
import { Prisma, type Db } from "../../services/platform/db.js";
import { resetTables, testDb } from "../support/db.js";
import { testConfig } from "../support/env.js";

const ROWS = 120_000;
const now = new Date("2026-06-01T00:00:00Z");
const ago = (s: number) => new Date(now.getTime() - s * 1000);

type PlanNode = { "Node Type": string; "Relation Name"?: string; Plans?: PlanNode[] };

function nodes(plan: PlanNode): PlanNode[] {
  return [plan, ...(plan.Plans ?? []).flatMap(nodes)];
}

describe("audit list query plans (real Postgres, 120k operations)", () => {
  let db: Db;
  before(async () => {
    db = testDb(testConfig());
    await resetTables(db);
    const started = Date.now();
    // One set-based statement: a realistic spread of calls, tenants, types, statuses and results.
    await db.$executeRaw`
      INSERT INTO operation (id, call_id, tenant_id, type, status, outcome, client_context, result_code, result_subcode,
        result_message, conflict, first_seen_at, last_seen_at, last_changed_at, event_count, event_ids)
      SELECT 'op-' || g, 'call-' || (g % 20000), 'tenant-' || (g % 50),
        (ARRAY['cancelMediaProcessingOperation','playPromptOperation','recordOperation','sendDtmfTonesOperation','subscribeToToneOperation','muteParticipantOperation'])[1 + g % 6],
        (ARRAY['notStarted','running','completed','failed'])[1 + g % 4],
        CASE g % 4 WHEN 2 THEN 'succeeded' WHEN 3 THEN (CASE WHEN g % 8 = 3 THEN 'failed' ELSE 'canceled' END) END,
        'ctx-' || g, 200 + (g % 4) * 100, g % 1000, 'result message number ' || g,
        false, ${now}::timestamptz - g * interval '7 seconds', ${now}::timestamptz - g * interval '7 seconds' + interval '1 minute',
        ${now}::timestamptz - g * interval '7 seconds' + interval '30 seconds', 2, '{}'
      FROM generate_series(1, ${ROWS}) AS g`;
    await db.$executeRawUnsafe("ANALYZE operation");
    process.stdout.write(`# inserted and analysed ${ROWS} operations in ${Date.now() - started} ms\n`);
  });
  after(async () => {
    await resetTables(db);
    await db.$disconnect();
  });

  const page: OperationPageRequest = { limit: 50, order: "desc" };
  const cases: [string, OperationFilters, OperationPageRequest?][] = [
    ["no filter", {}],
    ["callId", { callId: "call-42" }],
    ["tenantId", { tenantId: "tenant-7" }],
    ["type", { type: "recordOperation" }],
    ["status", { status: "running" }],
    ["outcome", { outcome: "failed" }],
    ["code", { code: 500 }],
    ["code and subcode", { code: 500, subcode: 9 }],
    ["clientContext", { clientContext: "ctx-4242" }],
    ["firstSeen range", { firstSeenFrom: ago(3600), firstSeenTo: ago(60) }],
    ["changed range", { changedFrom: ago(7200), changedTo: ago(3600) }],
    ["q (resultInfo message)", { q: "number 4242" }],
    ["several filters", { type: "recordOperation", status: "failed", firstSeenFrom: ago(86_400) }],
    ["cursor, ascending", {}, { limit: 50, order: "asc", after: { t: ago(50_000), id: "op-1" } }],
    ["status with cursor", { status: "failed" }, { limit: 50, order: "desc", after: { t: ago(100_000), id: "op-1" } }],
  ];

  for (const [name, filters, request] of cases) {
    it(`when the list is filtered by ${name}, then the plan does not scan the whole operation table`, async () => {
      const sql = operationListSql(filters, request ?? page);
      const [row] = await db.$queryRaw<{ "QUERY PLAN": [{ Plan: PlanNode }] }[]>(Prisma.sql`EXPLAIN (FORMAT JSON) ${sql}`);
      const plan = row!["QUERY PLAN"][0].Plan;
      const seq = nodes(plan).filter((n) => n["Node Type"] === "Seq Scan" && n["Relation Name"] === "operation");
      assert.deepEqual(seq, [], `${name}: ${JSON.stringify(plan)}`);
    });
  }

  it("when the list is filtered by type and status, then the page is the first rows of one index (no sort)", async () => {
    const sql = operationListSql({ type: "cancelMediaProcessingOperation", status: "failed" }, page);
    const [row] = await db.$queryRaw<{ "QUERY PLAN": [{ Plan: PlanNode }] }[]>(Prisma.sql`EXPLAIN (FORMAT JSON) ${sql}`);
    const plan = row!["QUERY PLAN"][0].Plan;
    const kinds = nodes(plan).map((n) => n["Node Type"]);
    assert.deepEqual(kinds, ["Limit", "Index Scan"], JSON.stringify(plan));
    assert.equal((plan.Plans?.[0] as { "Index Name"?: string } | undefined)?.["Index Name"], "operation_api_type_status_idx");
  });

  const explain = async (sql: Prisma.Sql) => {
    const [row] = await db.$queryRaw<{ "QUERY PLAN": [{ Plan: PlanNode }] }[]>(Prisma.sql`EXPLAIN (FORMAT JSON) ${sql}`);
    return row!["QUERY PLAN"][0].Plan;
  };
  const indexesRead = (plan: PlanNode) =>
    nodes(plan)
      .map((n) => (n as { "Index Name"?: string })["Index Name"])
      .filter((name) => name !== undefined);

  // These three indexes are partial (WHERE <column> IS NOT NULL, migration 20261205030000_partial_indexes):
  // the filter must imply the predicate for the planner to use them. Rare values, so that the index is
  // the cheapest plan (for a frequent one, the list order's index plus a filter can be cheaper).
  const partial: [string, OperationFilters, string][] = [
    ["outcome", { outcome: "rare-outcome" }, "operation_api_outcome_idx"],
    ["code", { code: 999 }, "operation_api_result_idx"],
    ["q", { q: "number 4242" }, "operation_api_message_trgm_idx"],
  ];
  for (const [name, filters, index] of partial) {
    it(`when the list is filtered by ${name}, then the plan reads the partial index ${index}`, async () => {
      const plan = await explain(operationListSql(filters, page));
      assert.ok(indexesRead(plan).includes(index), JSON.stringify(plan));
    });
  }

  it("when the alert dispatcher looks for operations stuck in flight, then it reads the first rows of the in-flight index", async () => {
    // The dispatcher's query (alert-dispatcher.ts, sweepStuck), with bound parameters as Prisma sends them.
    const plan = await explain(
      Prisma.sql`SELECT id FROM operation WHERE status IN (${"notStarted"}, ${"running"}) AND last_changed_at < ${ago(86_400)}
        ORDER BY last_changed_at ASC LIMIT ${500}`,
    );
    assert.deepEqual(
      nodes(plan).map((n) => n["Node Type"]),
      ["Limit", "Index Scan"],
      JSON.stringify(plan),
    );
    assert.deepEqual(indexesRead(plan), ["operation_in_flight_changed_idx"]);
  });

  it("when lifecycle events are listed among 120k operation history rows, then the plan reads the partial kind index", async () => {
    await db.$executeRaw`
      INSERT INTO operation_event (event_id, kind, source, operation_id, call_id, received_at, projected_at, topic, partition,
        "offset", payload)
      SELECT 'ev-' || g, CASE WHEN g % 1000 = 0 THEN 'lifecycle' ELSE 'operation' END, 'notification', 'op-' || g,
        'call-' || (g % 20000), ${now}::timestamptz - g * interval '7 seconds', ${now}, 'plans', 0, g, '{}'
      FROM generate_series(1, ${ROWS}) AS g`;
    await db.$executeRawUnsafe("ANALYZE operation_event");
    // The lifecycle list's query (lifecycle-routes.ts), with a bound parameter as Prisma sends it.
    const plan = await explain(
      Prisma.sql`SELECT id FROM operation_event WHERE kind = ${"lifecycle"} ORDER BY received_at DESC, id DESC LIMIT ${50}`,
    );
    assert.ok(indexesRead(plan).includes("operation_event_kind_received_at_idx"), JSON.stringify(plan));
  });

  it("when the table holds 120k rows, then a filtered page still answers quickly", async () => {
    const started = Date.now();
    const rows = await db.$queryRaw<unknown[]>(operationListSql({ outcome: "failed", q: "number 12" }, page));
    assert.ok(rows.length > 0);
    assert.ok(Date.now() - started < 1000, `took ${Date.now() - started} ms`);
  });
});
