// Read-side queries: one function per question the API answers.
import type { Db } from "../platform/db.js";
import { notFound } from "../platform/problem.js";
import { canceledByOf } from "./cancellation.js";
import { historyEventView, operationView, type OperationViewRow } from "./views.js";

// The hottest read: one indexed row by primary key, straight on the pg pool under Prisma's adapter (Prisma's
// query compiler cost more CPU than the rest of the request), as a named prepared statement: each pooled
// connection parses and plans it once. Exactly the columns the view shows (no event_ids array, which grows
// with every event); see README, Performance.
const OPERATION_BY_ID = {
  name: "optrail-operation-by-id",
  text: `SELECT id, call_id AS "callId", tenant_id AS "tenantId", type, status, outcome, client_context AS "clientContext",
    result_code AS "resultCode", result_subcode AS "resultSubcode", result_message AS "resultMessage", "all",
    completion_reason AS "completionReason", conflict, conflict_status AS "conflictStatus", first_seen_at AS "firstSeenAt",
    last_seen_at AS "lastSeenAt", last_changed_at AS "lastChangedAt", event_count AS "eventCount", extra
    FROM operation WHERE id = $1`,
};

export async function getOperation(db: Db, id: string) {
  const { rows } = await db.pool.query<OperationViewRow>({ ...OPERATION_BY_ID, values: [id] });
  const op = rows[0];
  if (!op) throw notFound(`operation ${id} is not known`);
  return { ...operationView(op), canceledBy: await canceledByOf(db, op) };
}

export async function getOperationHistory(db: Db, id: string) {
  const [op, events] = await Promise.all([
    db.operation.findUnique({ where: { id }, select: { id: true, callId: true } }),
    db.operationEvent.findMany({ where: { operationId: id }, orderBy: [{ receivedAt: "asc" }, { id: "asc" }] }),
  ]);
  if (!op && events.length === 0) throw notFound(`operation ${id} is not known`);
  return { operationId: id, callId: op?.callId ?? events[0]?.callId ?? null, events: events.map(historyEventView) };
}
