// The projection's one writer: applies a planned batch and the new position in ONE transaction.
import type { AlertRules, OperationState } from "../core/index.js";
import { Prisma, type Db, type Tx } from "../platform/db.js";
import { insertAlerts } from "./alert-outbox.js";
import { operationIdsOf, planBatch, type BatchPlan, type SourceMessage } from "./projection.js";

export interface BatchInput {
  projection: string;
  topic: string;
  partition: number;
  messages: SourceMessage[];
  now: Date;
  alertRules?: AlertRules;
}

export interface BatchResult {
  applied: number;
  skipped: number;
  deadLettered: number;
  nextOffset: bigint | null;
}

type OperationRow = Awaited<ReturnType<Tx["operation"]["findMany"]>>[number];

export function rowToState(row: OperationRow): OperationState {
  return {
    ...row,
    outcome: row.outcome as OperationState["outcome"],
    extra: (row.extra as Record<string, unknown> | null) ?? null,
  };
}

function stateToRow(s: OperationState) {
  return { ...s, extra: s.extra === null ? Prisma.DbNull : (s.extra as Prisma.InputJsonValue) };
}

const json = (v: unknown) => v as Prisma.InputJsonValue;

/**
 * Applies one partition's batch. Messages below the stored position were applied before (the
 * Kafka commit lagged the database) and are skipped, so a redelivery never applies twice.
 */
export async function applyBatch(db: Db, input: BatchInput): Promise<BatchResult> {
  return db.$transaction(async (tx) => {
    const key = { projection: input.projection, topic: input.topic, partition: input.partition };
    // Lock the partition's position row: two projector processes never write the same partition at once.
    await tx.$executeRaw`INSERT INTO projection_position (projection, topic, partition, next_offset, updated_at)
      VALUES (${key.projection}, ${key.topic}, ${key.partition}, 0, ${input.now}) ON CONFLICT DO NOTHING`;
    const [position] = await tx.$queryRaw<{ next_offset: bigint }[]>`SELECT next_offset FROM projection_position
      WHERE projection = ${key.projection} AND topic = ${key.topic} AND partition = ${key.partition} FOR UPDATE`;
    const from = BigInt(position?.next_offset ?? 0n);
    const fresh = input.messages.filter((m) => BigInt(m.offset) >= from);
    if (fresh.length === 0) return { applied: 0, skipped: input.messages.length, deadLettered: 0, nextOffset: null };

    const ids = operationIdsOf(fresh);
    const rows = ids.length > 0 ? await tx.operation.findMany({ where: { id: { in: ids } } }) : [];
    const plan = planBatch(fresh, new Map(rows.map((r) => [r.id, rowToState(r)])), input.now, input.alertRules);
    await write(tx, plan);
    await insertAlerts(tx, plan.alerts);

    const last = fresh[fresh.length - 1];
    const nextOffset = BigInt(last?.offset ?? from) + 1n;
    await tx.projectionPosition.update({ where: { projection_topic_partition: key }, data: { nextOffset, updatedAt: input.now } });
    return {
      applied: fresh.length - plan.deadLetters.length,
      skipped: input.messages.length - fresh.length,
      deadLettered: plan.deadLetters.length,
      nextOffset,
    };
  });
}

async function write(tx: Tx, plan: BatchPlan): Promise<void> {
  for (const state of plan.operations.values()) {
    const row = stateToRow(state);
    await tx.operation.upsert({ where: { id: state.id }, create: row, update: row });
  }
  if (plan.history.length > 0) {
    await tx.operationEvent.createMany({
      data: plan.history.map((h) => ({ ...h, payload: json(h.payload) })),
      skipDuplicates: true,
    });
  }
  if (plan.deadLetters.length > 0) {
    await tx.deadLetter.createMany({
      data: plan.deadLetters.map((d) => ({ ...d, payload: json(d.payload ?? {}) })),
      skipDuplicates: true,
    });
  }
}
