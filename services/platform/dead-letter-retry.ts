// Retrying a dead letter: re-applies its stored payload through the same pure plan and set-based
// writer as the projector, in one transaction that holds the partition's position lock (so it never
// interleaves with the projector writing that partition). On success the history row takes the dead
// letter's own topic/partition/offset; the position is not moved (the projector already passed it).
import { operationIdsOf, planBatch } from "../core/projection.js";
import type { Db } from "./db.js";
import { loadStates, lockPosition, renewWriterToken, writePlan } from "./projection-store.js";
import { prismaSql } from "./sql.js";

export interface DeadLetterRecord {
  id: bigint;
  topic: string;
  partition: number;
  offset: bigint;
  eventId: string | null;
  error: string;
  payload: unknown;
  createdAt: Date;
  retriedAt: Date | null;
  resolvedAt: Date | null;
}

export type RetryResult = { outcome: "resolved" | "failed" | "already-resolved"; deadLetter: DeadLetterRecord } | { outcome: "not-found" };

export async function retryDeadLetter(db: Db, id: bigint, projection: string, now: Date): Promise<RetryResult> {
  return db.$transaction(
    async (tx) => {
      const [dl] = await tx.$queryRaw<DeadLetterRecord[]>`SELECT id, topic, partition, "offset", event_id AS "eventId", error, payload,
        created_at AS "createdAt", retried_at AS "retriedAt", resolved_at AS "resolvedAt" FROM dead_letter WHERE id = ${id} FOR UPDATE`;
      if (!dl) return { outcome: "not-found" as const };
      if (dl.resolvedAt) return { outcome: "already-resolved" as const, deadLetter: dl };
      const sql = prismaSql(tx);
      const key = { projection, topic: dl.topic, partition: dl.partition };
      await lockPosition(sql, key, now);
      const message = {
        topic: dl.topic,
        partition: dl.partition,
        offset: dl.offset.toString(),
        value: Buffer.from(JSON.stringify(dl.payload)),
      };
      const plan = planBatch([message], await loadStates(sql, operationIdsOf([message])), now);
      const failure = plan.deadLetters[0];
      if (failure) {
        const [updated] = await tx.$queryRaw<DeadLetterRecord[]>`UPDATE dead_letter SET error = ${failure.error}, retried_at = ${now}
          WHERE id = ${id} RETURNING id, topic, partition, "offset", event_id AS "eventId", error, payload, created_at AS "createdAt",
          retried_at AS "retriedAt", resolved_at AS "resolvedAt"`;
        return { outcome: "failed" as const, deadLetter: updated! };
      }
      await writePlan(sql, { ...plan, deadLetters: [] });
      // The partition's rows changed behind the projector's back: its remembered states are void.
      await renewWriterToken(sql, key);
      const [updated] = await tx.$queryRaw<DeadLetterRecord[]>`UPDATE dead_letter SET retried_at = ${now}, resolved_at = ${now}
        WHERE id = ${id} RETURNING id, topic, partition, "offset", event_id AS "eventId", error, payload, created_at AS "createdAt",
        retried_at AS "retriedAt", resolved_at AS "resolvedAt"`;
      return { outcome: "resolved" as const, deadLetter: updated! };
    },
    { timeout: 30_000 },
  );
}
