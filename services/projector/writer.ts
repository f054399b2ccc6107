// The projection's one writer: applies a planned batch and the new position in ONE transaction,
// set-based (see services/platform/projection-store.ts: one statement writes every table per batch).
import type { AlertRules, OperationState } from "../core/index.js";
import { operationIdsOf, planBatch, type SourceMessage } from "../core/projection.js";
import type { Db, Tx } from "../platform/db.js";
import { loadStates, lockPosition, writePlan } from "../platform/projection-store.js";
import { pgTransaction } from "../platform/sql.js";

export interface BatchInput {
  projection: string;
  topic: string;
  partition: number;
  messages: SourceMessage[];
  now: Date;
  /** Which alert rules the batch's row changes are checked against (default: failed cancellations). */
  alertRules?: AlertRules;
}

export interface BatchResult {
  applied: number;
  skipped: number;
  deadLettered: number;
  nextOffset: bigint | null;
}

type OperationRow = Awaited<ReturnType<Tx["operation"]["findMany"]>>[number];

/** A Prisma operation row as the fold's state (tests compare rows with the reference fold with it). */
export function rowToState(row: OperationRow): OperationState {
  return {
    ...row,
    outcome: row.outcome as OperationState["outcome"],
    extra: (row.extra as Record<string, unknown> | null) ?? null,
  };
}

/**
 * Applies one partition's batch. Messages below the stored position were applied before (the
 * Kafka commit lagged the database) and are skipped, so a redelivery never applies twice.
 */
export async function applyBatch(db: Db, input: BatchInput): Promise<BatchResult> {
  return pgTransaction(db.pool, async (sql) => {
    const key = { projection: input.projection, topic: input.topic, partition: input.partition };
    // The locked position row: two projector processes never write the same partition at once.
    const from = await lockPosition(sql, key, input.now);
    const fresh = input.messages.filter((m) => BigInt(m.offset) >= from);
    if (fresh.length === 0) return { applied: 0, skipped: input.messages.length, deadLettered: 0, nextOffset: null };

    const current = await loadStates(sql, operationIdsOf(fresh));
    const plan = planBatch(fresh, current, input.now, input.alertRules);
    const last = fresh[fresh.length - 1];
    const nextOffset = BigInt(last?.offset ?? from) + 1n;
    await writePlan(sql, plan, { key, nextOffset, now: input.now });
    return {
      applied: fresh.length - plan.deadLetters.length,
      skipped: input.messages.length - fresh.length,
      deadLettered: plan.deadLetters.length,
      nextOffset,
    };
  });
}
