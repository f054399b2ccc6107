// The projection's tables, written set-based: ONE statement per batch (data-modifying CTEs), each table's
// rows in one JSON parameter (json_to_recordset), always inside the caller's transaction. Table names
// are UNQUALIFIED on purpose: the connection's search_path decides the schema, so the rebuild writes the
// same SQL into fresh tables.
// Used by the projector (every batch, in a pg transaction) and by the api (dead-letter retry, in a Prisma
// transaction): both hand in a transaction as an Sql (see sql.ts).
import type { OperationState } from "../core/index.js";
import type { BatchPlan } from "../core/projection.js";
import type { Tx } from "./db.js";
import { JsonBytes, jsonArrayBytes } from "./json-bytes.js";
import { historyJson, operationJson, time } from "./row-json.js";
import type { Sql } from "./sql.js";

export interface PositionKey {
  projection: string;
  topic: string;
  partition: number;
}

export interface LockedPosition {
  nextOffset: bigint;
  /** Set by the last write of the partition's rows (see projection_position.writer_token). */
  writerToken: string | null;
}

/**
 * Creates (if needed) and locks the partition's position row; returns its next offset and writer token.
 * Two writers of the same partition (a rebalance overlap, a dead-letter retry) therefore never interleave.
 */
export async function lockPosition(sql: Sql, key: PositionKey, now: Date): Promise<LockedPosition> {
  // DO UPDATE (a no-op change) both creates the row if needed and locks it, in one round trip.
  const [row] = await sql.query<{ next_offset: string; writer_token: string | null }>(
    `INSERT INTO projection_position AS p (projection, topic, partition, next_offset, updated_at) VALUES ($1, $2, $3, 0, $4)
     ON CONFLICT (projection, topic, partition) DO UPDATE SET next_offset = p.next_offset
     RETURNING p.next_offset::text, p.writer_token`,
    [key.projection, key.topic, key.partition, now],
  );
  return { nextOffset: BigInt(row?.next_offset ?? 0), writerToken: row?.writer_token ?? null };
}

/** Marks the partition's rows as written by someone new (a writer that does not move the position). */
export async function renewWriterToken(sql: Sql, key: PositionKey): Promise<void> {
  await sql.query(
    `UPDATE projection_position SET writer_token = gen_random_uuid()::text WHERE projection = $1 AND topic = $2 AND partition = $3`,
    [key.projection, key.topic, key.partition],
  );
}

/** Current states of the given operations (absent ones are simply missing from the map). */
export async function loadStates(sql: Sql, ids: string[]): Promise<Map<string, OperationState>> {
  if (ids.length === 0) return new Map();
  // One JSON text value instead of a row per operation: the driver and Prisma hand over one string, and
  // JSON.parse (native) does the rest — the per-row, per-column decoding was the projector's main cost.
  const [row] = await sql.query<{ states: string | null }>(
    `SELECT json_agg(json_build_object('id', id, 'callId', call_id,
      'tenantId', tenant_id, 'type', type, 'status', status, 'outcome', outcome, 'clientContext', client_context,
      'resultCode', result_code, 'resultSubcode', result_subcode, 'resultMessage', result_message, 'all', "all",
      'completionReason', completion_reason, 'conflict', conflict, 'conflictStatus', conflict_status,
      'firstSeenAt', first_seen_at, 'lastSeenAt', last_seen_at, 'lastChangedAt', last_changed_at, 'eventCount', event_count,
      'eventIds', coalesce(event_ids, '{}'), 'extra', extra))::text AS states
    FROM operation WHERE id = ANY($1::text[])`,
    [ids],
  );
  const states = new Map<string, OperationState>();
  if (!row?.states) return states;
  for (const s of JSON.parse(row.states) as (Omit<OperationState, "firstSeenAt" | "lastSeenAt" | "lastChangedAt"> & {
    firstSeenAt: string;
    lastSeenAt: string;
    lastChangedAt: string;
  })[]) {
    states.set(s.id, {
      ...s,
      firstSeenAt: new Date(s.firstSeenAt),
      lastSeenAt: new Date(s.lastSeenAt),
      lastChangedAt: new Date(s.lastChangedAt),
    });
  }
  return states;
}

/** Where a batch leaves its partition: written by the same statement as the batch's rows. */
export interface PositionUpdate {
  key: PositionKey;
  nextOffset: bigint;
  now: Date;
  /** A fresh random value identifying this write. */
  writerToken: string;
}

/**
 * Writes a planned batch in ONE statement: operation upserts, history rows, dead letters, alerts and (when
 * given) the partition's new position. Each table's rows travel as one JSON parameter unpacked by
 * json_to_recordset, so the driver handles a few strings whatever the batch size. History payloads travel
 * beside their rows, as the topic's own JSON texts in one text parameter (see payloadBytes), never
 * re-serialised.
 */
export async function writePlan(sql: Sql, plan: BatchPlan, position?: PositionUpdate): Promise<void> {
  const values: Partial<Record<Param, unknown>> = {};
  if (plan.operations.size > 0) values.ops = jsonArrayBytes(plan.operations.values(), plan.operations.size * 700, operationJson);
  if (plan.history.length > 0) {
    values.history = historyBytes(plan.history);
    values.payloads = payloadBytes(plan.history);
  }
  if (plan.deadLetters.length > 0)
    values.dead = JSON.stringify(plan.deadLetters.map((d) => ({ ...d, offset: d.offset.toString(), payload: d.payload ?? {} })));
  if (plan.alerts.length > 0) values.alerts = JSON.stringify(plan.alerts);
  if (position) {
    values.projection = position.key.projection;
    values.topic = position.key.topic;
    values.partition = position.key.partition;
    values.next = position.nextOffset.toString();
    values.at = position.now;
    values.token = position.writerToken;
  }
  const parts = (Object.keys(CTES) as Part[]).filter((p) => CTE_PARAMS[p].every((name) => name in values));
  if (parts.length === 0) return;
  const { text, params } = writeStatement(parts);
  await sql.query(
    text,
    params.map((name) => values[name]),
  );
}

/** History rows, without their payloads, as a JSON array (bytes). */
function historyBytes(rows: BatchPlan["history"]): Buffer {
  // A batch's rows share one projection time: its text is written once.
  let at: Date | undefined;
  let atJson = "null";
  return jsonArrayBytes(rows, rows.length * 600, (h) => {
    if (h.projectedAt !== at) {
      at = h.projectedAt;
      atJson = time(at);
    }
    return historyJson(h, atJson);
  });
}

/** Separates the payloads in their parameter: a control character, which valid JSON text never holds raw. */
const PAYLOAD_SEPARATOR = "\x1e";

/**
 * The history rows' payloads, in row order, each the event's JSON text from the topic as is, joined by
 * PAYLOAD_SEPARATOR. Inside the rows' JSON array, Postgres would lex each ~1 KB payload twice (the array's
 * json_recv check, then json_to_recordset, which de-escapes every string char by char) before the column's
 * own check; apart, only the json column checks it (a tenth of the projector's Postgres time saved).
 */
function payloadBytes(rows: BatchPlan["history"]): Buffer {
  let chars = rows.length;
  for (const h of rows) chars += h.payload.length;
  const out = new JsonBytes(chars);
  for (let i = 0; i < rows.length; i++) {
    const payload = rows[i]!.payload;
    // Unreachable today: decode() passes on only texts JSON.parse accepted, which never hold it raw. Kept
    // so that a future path which does not cannot shift every later payload onto the wrong row.
    if (payload.includes(PAYLOAD_SEPARATOR)) throw new Error("a history payload holds the payload separator");
    if (i > 0) out.write(PAYLOAD_SEPARATOR);
    out.write(payload);
  }
  return out.bytes();
}

type Part = "ops" | "history" | "dead" | "alerts" | "moved";

// One data-modifying CTE per table, each reading its rows from its own JSON parameter (:name, numbered by
// writeStatement). Only the tables a batch writes appear in its statement (a rebuild schema has no alert
// table); the texts are cached.
const CTES: Record<Part, string> = {
  // event_ids travels as a JSON array and arrives as text[] (json_to_recordset converts arrays).
  ops: `
      INSERT INTO operation (id, call_id, tenant_id, type, status, outcome, client_context, result_code, result_subcode,
        result_message, "all", completion_reason, conflict, conflict_status, first_seen_at, last_seen_at, last_changed_at,
        event_count, event_ids, extra)
      SELECT u.id, u."callId", u."tenantId", u.type, u.status, u.outcome, u."clientContext", u."resultCode", u."resultSubcode",
        u."resultMessage", u."all", u."completionReason", u.conflict, u."conflictStatus", u."firstSeenAt", u."lastSeenAt",
        u."lastChangedAt", u."eventCount", u."eventIds", u.extra
      FROM json_to_recordset(:ops::json) AS u(id text, "callId" text, "tenantId" text, type text, status text, outcome text,
        "clientContext" text, "resultCode" int, "resultSubcode" int, "resultMessage" text, "all" bool, "completionReason" text,
        conflict bool, "conflictStatus" text, "firstSeenAt" timestamptz, "lastSeenAt" timestamptz, "lastChangedAt" timestamptz,
        "eventCount" int, "eventIds" text[], extra jsonb)
      ON CONFLICT (id) DO UPDATE SET call_id = EXCLUDED.call_id, tenant_id = EXCLUDED.tenant_id, type = EXCLUDED.type,
        status = EXCLUDED.status, outcome = EXCLUDED.outcome, client_context = EXCLUDED.client_context,
        result_code = EXCLUDED.result_code, result_subcode = EXCLUDED.result_subcode, result_message = EXCLUDED.result_message,
        "all" = EXCLUDED."all", completion_reason = EXCLUDED.completion_reason, conflict = EXCLUDED.conflict,
        conflict_status = EXCLUDED.conflict_status, first_seen_at = EXCLUDED.first_seen_at, last_seen_at = EXCLUDED.last_seen_at,
        last_changed_at = EXCLUDED.last_changed_at, event_count = EXCLUDED.event_count, event_ids = EXCLUDED.event_ids,
        extra = EXCLUDED.extra
      RETURNING 1`,
  // The rows and their payloads are zipped by position (ROWS FROM): both lists are in row order.
  history: `
      INSERT INTO operation_event (event_id, kind, source, operation_id, call_id, tenant_id, resource_type, change_type, status,
        status_before, status_after, result_code, result_subcode, result_message, duplicate, conflict, stale, authenticated,
        request_id, received_at, projected_at, topic, partition, "offset", payload)
      SELECT h."eventId", h.kind, h.source, h."operationId", h."callId", h."tenantId", h."resourceType", h."changeType", h.status,
        h."statusBefore", h."statusAfter", h."resultCode", h."resultSubcode", h."resultMessage", h.duplicate, h.conflict, h.stale,
        h.authenticated, h."requestId", h."receivedAt", h."projectedAt", h.topic, h.partition, h."offset", h.payload::json
      FROM ROWS FROM (
        json_to_recordset(:history::json) AS ("eventId" text, kind text, source text, "operationId" text, "callId" text,
          "tenantId" text, "resourceType" text, "changeType" text, status text, "statusBefore" text, "statusAfter" text,
          "resultCode" int, "resultSubcode" int, "resultMessage" text, duplicate bool, conflict bool, stale bool,
          authenticated bool, "requestId" text, "receivedAt" timestamptz, "projectedAt" timestamptz, topic text, partition int,
          "offset" bigint),
        string_to_table(:payloads::text, E'\\x1e')
      ) AS h("eventId", kind, source, "operationId", "callId", "tenantId", "resourceType", "changeType", status, "statusBefore",
        "statusAfter", "resultCode", "resultSubcode", "resultMessage", duplicate, conflict, stale, authenticated, "requestId",
        "receivedAt", "projectedAt", topic, partition, "offset", payload)
      ON CONFLICT (topic, partition, "offset") DO NOTHING
      RETURNING 1`,
  dead: `
      INSERT INTO dead_letter (topic, partition, "offset", event_id, error, payload, created_at)
      SELECT d.topic, d.partition, d."offset", d."eventId", d.error, d.payload, d."createdAt"
      FROM json_to_recordset(:dead::json) AS d(topic text, partition int, "offset" bigint, "eventId" text, error text,
        payload jsonb, "createdAt" timestamptz)
      ON CONFLICT (topic, partition, "offset") DO NOTHING
      RETURNING 1`,
  alerts: `
      INSERT INTO alert (id, idempotency_key, rule, severity, title, operation_id, call_id, type, status, result_code,
        result_subcode, result_message, created_at)
      SELECT a.id, a."idempotencyKey", a.rule, a.severity, a.title, a."operationId", a."callId", a.type, a.status,
        a."resultCode", a."resultSubcode", a."resultMessage", a."createdAt"
      FROM json_to_recordset(:alerts::json) AS a(id text, "idempotencyKey" text, rule text, severity text, title text,
        "operationId" text, "callId" text, type text, status text, "resultCode" int, "resultSubcode" int, "resultMessage" text,
        "createdAt" timestamptz)
      ON CONFLICT DO NOTHING
      RETURNING 1`,
  moved: `
      UPDATE projection_position SET next_offset = :next::bigint, updated_at = :at::timestamptz, writer_token = :token::text
      WHERE projection = :projection::text AND topic = :topic::text AND partition = :partition::int
      RETURNING 1`,
};
type Param = "ops" | "history" | "payloads" | "dead" | "alerts" | "projection" | "topic" | "partition" | "next" | "at" | "token";
const CTE_PARAMS: Record<Part, Param[]> = {
  ops: ["ops"],
  history: ["history", "payloads"],
  dead: ["dead"],
  alerts: ["alerts"],
  moved: ["projection", "topic", "partition", "next", "at", "token"],
};
const statements = new Map<string, { text: string; params: Param[] }>();

/** The statement for these parts, its :names numbered $1, $2, ... in first-use order (cached). */
function writeStatement(parts: Part[]): { text: string; params: Param[] } {
  const cacheKey = parts.join(",");
  let statement = statements.get(cacheKey);
  if (!statement) {
    const params: Param[] = [];
    const text = `WITH ${parts.map((n) => `${n} AS (${CTES[n]})`).join(",\n    ")}
    SELECT (${parts.map((n) => `(SELECT count(*) FROM ${n})`).join(" + ")})::text AS written`.replace(/:([a-z]+)::/g, (_, name: Param) => {
      if (!params.includes(name)) params.push(name);
      return `$${params.indexOf(name) + 1}::`;
    });
    statement = { text, params };
    statements.set(cacheKey, statement);
  }
  return statement;
}

/** The alert outbox: the idempotency key (rule + operation id) makes a second insert a no-op. */
export async function insertAlerts(tx: Tx, alerts: BatchPlan["alerts"]): Promise<number> {
  if (alerts.length === 0) return 0;
  const { count } = await tx.alert.createMany({ data: alerts, skipDuplicates: true });
  return count;
}
