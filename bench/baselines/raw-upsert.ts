// Limit: the rows optrail's projector writes (operation upserts, history inserts, the position), written
// with raw multi-row `INSERT ... SELECT FROM unnest(...) ON CONFLICT` through `pg`, 500 events per
// transaction, as many transactions at once as the projector runs partitions (4). The rows are planned
// beforehand with the projector's own pure fold (projection.ts), so only the database writes are timed.
import pg from "pg";
import type { OperationState } from "../../services/core/index.js";
import { planBatch, type BatchPlan } from "../../services/projector/projection.js";
import type { KeptMessage } from "./raw-consumer.js";

const BATCH = 500;
const CONCURRENCY = 4;

const UPSERT_OPERATIONS = `
INSERT INTO operation (id, call_id, tenant_id, type, status, outcome, client_context, result_code, result_subcode,
  result_message, "all", completion_reason, conflict, conflict_status, first_seen_at, last_seen_at, last_changed_at,
  event_count, event_ids, extra)
SELECT u.id, u.call_id, u.tenant_id, u.type, u.status, u.outcome, u.client_context, u.result_code, u.result_subcode,
  u.result_message, u."all", u.completion_reason, u.conflict, u.conflict_status, u.first_seen_at, u.last_seen_at,
  u.last_changed_at, u.event_count, ARRAY(SELECT jsonb_array_elements_text(u.event_ids)), u.extra
FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::int[], $9::int[],
  $10::text[], $11::bool[], $12::text[], $13::bool[], $14::text[], $15::timestamptz[], $16::timestamptz[],
  $17::timestamptz[], $18::int[], $19::jsonb[], $20::jsonb[])
  AS u(id, call_id, tenant_id, type, status, outcome, client_context, result_code, result_subcode, result_message,
  "all", completion_reason, conflict, conflict_status, first_seen_at, last_seen_at, last_changed_at, event_count,
  event_ids, extra)
ON CONFLICT (id) DO UPDATE SET call_id = EXCLUDED.call_id, tenant_id = EXCLUDED.tenant_id, type = EXCLUDED.type,
  status = EXCLUDED.status, outcome = EXCLUDED.outcome, client_context = EXCLUDED.client_context,
  result_code = EXCLUDED.result_code, result_subcode = EXCLUDED.result_subcode, result_message = EXCLUDED.result_message,
  "all" = EXCLUDED."all", completion_reason = EXCLUDED.completion_reason, conflict = EXCLUDED.conflict,
  conflict_status = EXCLUDED.conflict_status, first_seen_at = EXCLUDED.first_seen_at, last_seen_at = EXCLUDED.last_seen_at,
  last_changed_at = EXCLUDED.last_changed_at, event_count = EXCLUDED.event_count, event_ids = EXCLUDED.event_ids,
  extra = EXCLUDED.extra`;

const INSERT_HISTORY = `
INSERT INTO operation_event (event_id, kind, source, operation_id, call_id, tenant_id, resource_type, change_type, status,
  status_before, status_after, result_code, result_subcode, result_message, duplicate, conflict, stale, authenticated,
  request_id, received_at, projected_at, topic, partition, "offset", payload)
SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[],
  $9::text[], $10::text[], $11::text[], $12::int[], $13::int[], $14::text[], $15::bool[], $16::bool[], $17::bool[],
  $18::bool[], $19::text[], $20::timestamptz[], $21::timestamptz[], $22::text[], $23::int[], $24::bigint[], $25::json[])
ON CONFLICT (topic, partition, "offset") DO NOTHING`;

const POSITION = `
INSERT INTO projection_position (projection, topic, partition, next_offset, updated_at) VALUES ($1, $2, $3, $4, $5)
ON CONFLICT (projection, topic, partition) DO UPDATE SET next_offset = EXCLUDED.next_offset, updated_at = EXCLUDED.updated_at`;

interface Planned {
  partition: number;
  nextOffset: string;
  plan: BatchPlan;
}

/** Plans the batches (untimed): per partition, in order, 500 messages each, states carried over. */
export function planAll(topic: string, messages: KeptMessage[], now: Date): Planned[][] {
  const byPartition = new Map<number, KeptMessage[]>();
  for (const m of messages) {
    let list = byPartition.get(m.partition);
    if (!list) byPartition.set(m.partition, (list = []));
    list.push(m);
  }
  const out: Planned[][] = [];
  for (const [partition, list] of byPartition) {
    list.sort((a, b) => Number(BigInt(a.offset) - BigInt(b.offset)));
    const states = new Map<string, OperationState>();
    const planned: Planned[] = [];
    for (let i = 0; i < list.length; i += BATCH) {
      const chunk = list.slice(i, i + BATCH).map((m) => ({ topic, partition, offset: m.offset, value: m.value }));
      const plan = planBatch(chunk, states, now);
      for (const [id, s] of plan.operations) states.set(id, s);
      planned.push({ partition, nextOffset: (BigInt(chunk[chunk.length - 1]!.offset) + 1n).toString(), plan });
    }
    out.push(planned);
  }
  return out;
}

async function writeOne(client: pg.PoolClient, projection: string, topic: string, p: Planned, now: Date): Promise<void> {
  const ops = [...p.plan.operations.values()];
  const h = p.plan.history;
  await client.query("BEGIN");
  try {
    if (ops.length > 0) {
      await client.query(UPSERT_OPERATIONS, [
        ops.map((o) => o.id),
        ops.map((o) => o.callId),
        ops.map((o) => o.tenantId),
        ops.map((o) => o.type),
        ops.map((o) => o.status),
        ops.map((o) => o.outcome),
        ops.map((o) => o.clientContext),
        ops.map((o) => o.resultCode),
        ops.map((o) => o.resultSubcode),
        ops.map((o) => o.resultMessage),
        ops.map((o) => o.all),
        ops.map((o) => o.completionReason),
        ops.map((o) => o.conflict),
        ops.map((o) => o.conflictStatus),
        ops.map((o) => o.firstSeenAt),
        ops.map((o) => o.lastSeenAt),
        ops.map((o) => o.lastChangedAt),
        ops.map((o) => o.eventCount),
        ops.map((o) => JSON.stringify(o.eventIds)),
        ops.map((o) => (o.extra === null ? null : JSON.stringify(o.extra))),
      ]);
    }
    if (h.length > 0) {
      await client.query(INSERT_HISTORY, [
        h.map((r) => r.eventId),
        h.map((r) => r.kind),
        h.map((r) => r.source),
        h.map((r) => r.operationId),
        h.map((r) => r.callId),
        h.map((r) => r.tenantId),
        h.map((r) => r.resourceType),
        h.map((r) => r.changeType),
        h.map((r) => r.status),
        h.map((r) => r.statusBefore),
        h.map((r) => r.statusAfter),
        h.map((r) => r.resultCode),
        h.map((r) => r.resultSubcode),
        h.map((r) => r.resultMessage),
        h.map((r) => r.duplicate),
        h.map((r) => r.conflict),
        h.map((r) => r.stale),
        h.map((r) => r.authenticated),
        h.map((r) => r.requestId),
        h.map((r) => r.receivedAt),
        h.map((r) => r.projectedAt),
        h.map((r) => r.topic),
        h.map((r) => r.partition),
        h.map((r) => r.offset.toString()),
        h.map((r) => r.payload),
      ]);
    }
    await client.query(POSITION, [projection, topic, p.partition, p.nextOffset, now]);
    await client.query("COMMIT");
  } catch (err) {
    await client.query("ROLLBACK").catch(() => undefined);
    throw err;
  }
}

/** Writes every planned batch; returns the events written per second. */
export async function runRawUpsert(
  databaseUrl: string,
  topic: string,
  messages: KeptMessage[],
): Promise<{ events: number; seconds: number; operations: number }> {
  const now = new Date();
  const partitions = planAll(topic, messages, now);
  const pool = new pg.Pool({ connectionString: databaseUrl, max: CONCURRENCY });
  const queue = [...partitions];
  let operations = 0;
  const started = performance.now();
  try {
    await Promise.all(
      Array.from({ length: CONCURRENCY }, async () => {
        const client = await pool.connect();
        try {
          for (let part = queue.shift(); part; part = queue.shift()) {
            for (const p of part) {
              await writeOne(client, "bench-limit", topic, p, now);
              operations += p.plan.operations.size;
            }
          }
        } finally {
          client.release();
        }
      }),
    );
  } finally {
    await pool.end();
  }
  return { events: messages.length, seconds: (performance.now() - started) / 1000, operations };
}
