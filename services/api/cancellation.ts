// Which cancelMediaProcessing canceled an operation: the cancel operation of the same call first seen
// most recently at or before the canceled operation's last change. Answered at read time, so it holds
// whatever order the two operations' events arrived in.
import type { Db } from "../platform/db.js";
import type { Operation } from "../platform/generated/prisma/client.js";

export const CANCEL_OPERATION_TYPE = "cancelMediaProcessingOperation";

export interface CanceledByView {
  id: string;
  status: string;
  outcome: string | null;
  clientContext: string | null;
  firstSeenAt: string;
  lastChangedAt: string;
}

const CANCELED_BY = {
  name: "optrail-canceled-by",
  text: `SELECT id, status, outcome, client_context AS "clientContext", first_seen_at AS "firstSeenAt", last_changed_at AS "lastChangedAt"
    FROM operation WHERE call_id = $1 AND type = $2 AND id <> $3 AND first_seen_at <= $4
    ORDER BY first_seen_at DESC, id DESC LIMIT 1`,
};

/** On the pg pool, as the operation it belongs to (getOperation): one indexed row, (call_id, first_seen_at DESC). */
export async function canceledByOf(
  db: Db,
  op: Pick<Operation, "id" | "callId" | "outcome" | "lastChangedAt">,
): Promise<CanceledByView | null> {
  if (op.outcome !== "canceled") return null;
  const { rows } = await db.pool.query<Omit<CanceledByView, "firstSeenAt" | "lastChangedAt"> & { firstSeenAt: Date; lastChangedAt: Date }>({
    ...CANCELED_BY,
    values: [op.callId, CANCEL_OPERATION_TYPE, op.id, op.lastChangedAt],
  });
  const cancel = rows[0];
  if (!cancel) return null;
  return { ...cancel, firstSeenAt: cancel.firstSeenAt.toISOString(), lastChangedAt: cancel.lastChangedAt.toISOString() };
}
