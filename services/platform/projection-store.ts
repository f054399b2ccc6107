// The projection's tables, written set-based: one statement per table per batch (unnest of array
// parameters), always inside the caller's transaction. Table names are UNQUALIFIED on purpose: the
// connection's search_path decides the schema, so the rebuild writes the same SQL into fresh tables.
// Used by the projector (every batch) and by the api (dead-letter retry); both pass a transaction.
import type { OperationState } from "../core/index.js";
import type { BatchPlan, DeadLetterRow, HistoryRow } from "../core/projection.js";
import type { Tx } from "./db.js";

export interface PositionKey {
  projection: string;
  topic: string;
  partition: number;
}

/**
 * Creates (if needed) and locks the partition's position row; returns its next offset. Two writers
 * of the same partition (a rebalance overlap, a dead-letter retry) therefore never interleave.
 */
export async function lockPosition(tx: Tx, key: PositionKey, now: Date): Promise<bigint> {
  await tx.$executeRaw`INSERT INTO projection_position (projection, topic, partition, next_offset, updated_at)
    VALUES (${key.projection}, ${key.topic}, ${key.partition}, 0, ${now}) ON CONFLICT DO NOTHING`;
  const [row] = await tx.$queryRaw<{ next_offset: bigint }[]>`SELECT next_offset FROM projection_position
    WHERE projection = ${key.projection} AND topic = ${key.topic} AND partition = ${key.partition} FOR UPDATE`;
  return BigInt(row?.next_offset ?? 0n);
}

export async function savePosition(tx: Tx, key: PositionKey, nextOffset: bigint, now: Date): Promise<void> {
  await tx.$executeRaw`UPDATE projection_position SET next_offset = ${nextOffset}, updated_at = ${now}
    WHERE projection = ${key.projection} AND topic = ${key.topic} AND partition = ${key.partition}`;
}

/** Current states of the given operations (absent ones are simply missing from the map). */
export async function loadStates(tx: Tx, ids: string[]): Promise<Map<string, OperationState>> {
  if (ids.length === 0) return new Map();
  const rows = await tx.$queryRaw<OperationState[]>`SELECT id, call_id AS "callId", tenant_id AS "tenantId", type, status,
      outcome, client_context AS "clientContext", result_code AS "resultCode", result_subcode AS "resultSubcode",
      result_message AS "resultMessage", "all", completion_reason AS "completionReason", conflict,
      conflict_status AS "conflictStatus", first_seen_at AS "firstSeenAt", last_seen_at AS "lastSeenAt",
      last_changed_at AS "lastChangedAt", event_count AS "eventCount", coalesce(event_ids, '{}') AS "eventIds", extra
    FROM operation WHERE id = ANY(${ids}::text[])`;
  return new Map(rows.map((r) => [r.id, { ...r, extra: (r.extra as Record<string, unknown> | null) ?? null }]));
}

const col = <T, V>(rows: T[], pick: (r: T) => V): V[] => rows.map(pick);
const jsonText = (v: unknown) => (v === null || v === undefined ? null : JSON.stringify(v));

/** Writes a planned batch: operation upserts, history rows, dead letters (three statements at most). */
export async function writePlan(tx: Tx, plan: BatchPlan): Promise<void> {
  await upsertOperations(tx, [...plan.operations.values()]);
  await insertHistory(tx, plan.history);
  await insertDeadLetters(tx, plan.deadLetters);
  await insertAlerts(tx, plan.alerts);
}

/** The alert outbox: the idempotency key (rule + operation id) makes a second insert a no-op. */
export async function insertAlerts(tx: Tx, alerts: BatchPlan["alerts"]): Promise<number> {
  if (alerts.length === 0) return 0;
  const { count } = await tx.alert.createMany({ data: alerts, skipDuplicates: true });
  return count;
}

async function upsertOperations(tx: Tx, ops: OperationState[]): Promise<void> {
  if (ops.length === 0) return;
  // event_ids is ragged (one array per row), so it travels as jsonb[] and is unpacked per row.
  await tx.$executeRaw`INSERT INTO operation (id, call_id, tenant_id, type, status, outcome, client_context, result_code,
      result_subcode, result_message, "all", completion_reason, conflict, conflict_status, first_seen_at, last_seen_at,
      last_changed_at, event_count, event_ids, extra)
    SELECT u.id, u.call_id, u.tenant_id, u.type, u.status, u.outcome, u.client_context, u.result_code, u.result_subcode,
      u.result_message, u.all_, u.completion_reason, u.conflict, u.conflict_status, u.first_seen_at, u.last_seen_at,
      u.last_changed_at, u.event_count, ARRAY(SELECT jsonb_array_elements_text(u.event_ids)), u.extra
    FROM unnest(${col(ops, (o) => o.id)}::text[], ${col(ops, (o) => o.callId)}::text[], ${col(ops, (o) => o.tenantId)}::text[],
      ${col(ops, (o) => o.type)}::text[], ${col(ops, (o) => o.status)}::text[], ${col(ops, (o) => o.outcome)}::text[],
      ${col(ops, (o) => o.clientContext)}::text[], ${col(ops, (o) => o.resultCode)}::int[], ${col(ops, (o) => o.resultSubcode)}::int[],
      ${col(ops, (o) => o.resultMessage)}::text[], ${col(ops, (o) => o.all)}::bool[], ${col(ops, (o) => o.completionReason)}::text[],
      ${col(ops, (o) => o.conflict)}::bool[], ${col(ops, (o) => o.conflictStatus)}::text[], ${col(ops, (o) => o.firstSeenAt)}::timestamptz[],
      ${col(ops, (o) => o.lastSeenAt)}::timestamptz[], ${col(ops, (o) => o.lastChangedAt)}::timestamptz[],
      ${col(ops, (o) => o.eventCount)}::int[], ${col(ops, (o) => JSON.stringify(o.eventIds))}::jsonb[],
      ${col(ops, (o) => jsonText(o.extra))}::jsonb[])
      AS u(id, call_id, tenant_id, type, status, outcome, client_context, result_code, result_subcode, result_message, all_,
        completion_reason, conflict, conflict_status, first_seen_at, last_seen_at, last_changed_at, event_count, event_ids, extra)
    ON CONFLICT (id) DO UPDATE SET call_id = EXCLUDED.call_id, tenant_id = EXCLUDED.tenant_id, type = EXCLUDED.type,
      status = EXCLUDED.status, outcome = EXCLUDED.outcome, client_context = EXCLUDED.client_context,
      result_code = EXCLUDED.result_code, result_subcode = EXCLUDED.result_subcode, result_message = EXCLUDED.result_message,
      "all" = EXCLUDED."all", completion_reason = EXCLUDED.completion_reason, conflict = EXCLUDED.conflict,
      conflict_status = EXCLUDED.conflict_status, first_seen_at = EXCLUDED.first_seen_at, last_seen_at = EXCLUDED.last_seen_at,
      last_changed_at = EXCLUDED.last_changed_at, event_count = EXCLUDED.event_count, event_ids = EXCLUDED.event_ids,
      extra = EXCLUDED.extra`;
}

async function insertHistory(tx: Tx, rows: HistoryRow[]): Promise<void> {
  if (rows.length === 0) return;
  await tx.$executeRaw`INSERT INTO operation_event (event_id, kind, source, operation_id, call_id, tenant_id, resource_type,
      change_type, status, status_before, status_after, result_code, result_subcode, result_message, duplicate, conflict,
      stale, authenticated, request_id, received_at, projected_at, topic, partition, "offset", payload)
    SELECT * FROM unnest(${col(rows, (h) => h.eventId)}::text[], ${col(rows, (h) => h.kind)}::text[], ${col(rows, (h) => h.source)}::text[],
      ${col(rows, (h) => h.operationId)}::text[], ${col(rows, (h) => h.callId)}::text[], ${col(rows, (h) => h.tenantId)}::text[],
      ${col(rows, (h) => h.resourceType)}::text[], ${col(rows, (h) => h.changeType)}::text[], ${col(rows, (h) => h.status)}::text[],
      ${col(rows, (h) => h.statusBefore)}::text[], ${col(rows, (h) => h.statusAfter)}::text[], ${col(rows, (h) => h.resultCode)}::int[],
      ${col(rows, (h) => h.resultSubcode)}::int[], ${col(rows, (h) => h.resultMessage)}::text[], ${col(rows, (h) => h.duplicate)}::bool[],
      ${col(rows, (h) => h.conflict)}::bool[], ${col(rows, (h) => h.stale)}::bool[], ${col(rows, (h) => h.authenticated)}::bool[],
      ${col(rows, (h) => h.requestId)}::text[], ${col(rows, (h) => h.receivedAt)}::timestamptz[], ${col(rows, (h) => h.projectedAt)}::timestamptz[],
      ${col(rows, (h) => h.topic)}::text[], ${col(rows, (h) => h.partition)}::int[], ${col(rows, (h) => h.offset)}::bigint[],
      ${col(rows, (h) => JSON.stringify(h.payload))}::jsonb[])
    ON CONFLICT (topic, partition, "offset") DO NOTHING`;
}

async function insertDeadLetters(tx: Tx, rows: DeadLetterRow[]): Promise<void> {
  if (rows.length === 0) return;
  await tx.$executeRaw`INSERT INTO dead_letter (topic, partition, "offset", event_id, error, payload, created_at)
    SELECT * FROM unnest(${col(rows, (d) => d.topic)}::text[], ${col(rows, (d) => d.partition)}::int[], ${col(rows, (d) => d.offset)}::bigint[],
      ${col(rows, (d) => d.eventId)}::text[], ${col(rows, (d) => d.error)}::text[], ${col(rows, (d) => JSON.stringify(d.payload ?? {}))}::jsonb[],
      ${col(rows, (d) => d.createdAt)}::timestamptz[])
    ON CONFLICT (topic, partition, "offset") DO NOTHING`;
}
