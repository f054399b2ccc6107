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

export async function canceledByOf(
  db: Db,
  op: Pick<Operation, "id" | "callId" | "outcome" | "lastChangedAt">,
): Promise<CanceledByView | null> {
  if (op.outcome !== "canceled") return null;
  const cancel = await db.operation.findFirst({
    where: { callId: op.callId, type: CANCEL_OPERATION_TYPE, id: { not: op.id }, firstSeenAt: { lte: op.lastChangedAt } },
    orderBy: [{ firstSeenAt: "desc" }, { id: "desc" }],
    select: { id: true, status: true, outcome: true, clientContext: true, firstSeenAt: true, lastChangedAt: true },
  });
  if (!cancel) return null;
  return { ...cancel, firstSeenAt: cancel.firstSeenAt.toISOString(), lastChangedAt: cancel.lastChangedAt.toISOString() };
}
