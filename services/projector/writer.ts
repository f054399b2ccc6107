// The projection's one writer: applies a planned batch and the new position in ONE transaction,
// set-based (see services/platform/projection-store.ts: one statement writes every table per batch).
import type { AlertRules, OperationState } from "../core/index.js";
import { operationIdsOf, planBatch, type SourceMessage } from "../core/projection.js";
import { randomUUID } from "node:crypto";
import type { Db, Tx } from "../platform/db.js";
import { loadStates, lockPosition, writePlan } from "../platform/projection-store.js";
import { pgTransaction } from "../platform/sql.js";
import type { StateCache } from "./state-cache.js";

export interface BatchInput {
  projection: string;
  topic: string;
  partition: number;
  messages: SourceMessage[];
  now: Date;
  /** Which alert rules the batch's row changes are checked against (default: failed cancellations). */
  alertRules?: AlertRules;
  /** States remembered from earlier batches (read from Postgres only for the operations it lacks). */
  cache?: StateCache;
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
  const { cache } = input;
  let remember: { token: string; states: Iterable<OperationState> } | undefined;
  const result = await pgTransaction(db.pool, async (sql) => {
    const key = { projection: input.projection, topic: input.topic, partition: input.partition };
    // The locked position row: two projector processes never write the same partition at once.
    const { nextOffset: from, writerToken } = await lockPosition(sql, key, input.now);
    const fresh = input.messages.filter((m) => BigInt(m.offset) >= from);
    if (fresh.length === 0) return { applied: 0, skipped: input.messages.length, deadLettered: 0, nextOffset: null };

    const known = cache?.lookup(input.partition, writerToken);
    const current = new Map<string, OperationState>();
    const missing: string[] = [];
    for (const id of operationIdsOf(fresh)) {
      const state = known?.get(id);
      if (state) current.set(id, state);
      else missing.push(id);
    }
    if (missing.length > 0) for (const [id, state] of await loadStates(sql, missing)) current.set(id, state);
    const plan = planBatch(fresh, current, input.now, input.alertRules);
    const last = fresh[fresh.length - 1];
    const nextOffset = BigInt(last?.offset ?? from) + 1n;
    const token = randomUUID();
    await writePlan(sql, plan, { key, nextOffset, now: input.now, writerToken: token });
    remember = { token, states: [...current.values(), ...plan.operations.values()] };
    return {
      applied: fresh.length - plan.deadLetters.length,
      skipped: input.messages.length - fresh.length,
      deadLettered: plan.deadLetters.length,
      nextOffset,
    };
  });
  // Only once committed: what the cache holds is then exactly what Postgres holds.
  if (cache && remember) cache.remember(input.partition, remember.token, remember.states);
  return result;
}
