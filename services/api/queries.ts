// Read-side queries: one function per question the API answers.
import type { Db } from "../platform/db.js";
import { notFound } from "../platform/problem.js";
import { canceledByOf } from "./cancellation.js";
import { historyEventView, operationView } from "./views.js";

export async function getOperation(db: Db, id: string) {
  const op = await db.operation.findUnique({ where: { id } });
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
