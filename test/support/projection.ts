// Comparing what the projector wrote with the in-memory reference fold.
import { foldAll, type OperationObserved, type OperationState } from "../../services/core/index.js";
import type { Db } from "../../services/platform/db.js";
import { rowToState } from "../../services/projector/writer.js";

export async function projectedStates(db: Db): Promise<Map<string, OperationState>> {
  const rows = await db.operation.findMany({ orderBy: { id: "asc" } });
  return new Map(rows.map((r) => [r.id, rowToState(r)]));
}

/** The reference: the same pure fold, applied in memory to the events in topic order per key. */
export function referenceStates(eventsInTopicOrder: OperationObserved[]): Map<string, OperationState> {
  return foldAll(eventsInTopicOrder);
}

export function sortedEntries(m: Map<string, OperationState>) {
  return [...m.entries()].sort(([a], [b]) => (a < b ? -1 : 1)).map(([, s]) => s);
}
