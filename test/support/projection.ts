// Comparing what the projector wrote with the in-memory reference fold.
import type { Kafka } from "kafkajs";
import { evolve, type OperationObserved, type OperationState } from "../../services/core/index.js";
import type { Db } from "../../services/platform/db.js";
import { rowToState } from "../../services/projector/writer.js";
import { readAll } from "./kafka.js";

export async function projectedStates(db: Db): Promise<Map<string, OperationState>> {
  const rows = await db.operation.findMany({ orderBy: { id: "asc" } });
  return new Map(rows.map((r) => [r.id, rowToState(r)]));
}

/**
 * The reference: the same pure fold, applied in memory to the events in topic order per key. An
 * event the fold refuses (a poison event) is skipped, as the projector dead-letters it.
 */
export function referenceStates(eventsInTopicOrder: OperationObserved[]): Map<string, OperationState> {
  const states = new Map<string, OperationState>();
  for (const event of eventsInTopicOrder) {
    try {
      states.set(event.data.operationId, evolve(states.get(event.data.operationId), event).state);
    } catch {
      // poison: dead-lettered by the projector
    }
  }
  return states;
}

export function sortedEntries(m: Map<string, OperationState>) {
  return [...m.entries()].sort(([a], [b]) => (a < b ? -1 : 1)).map(([, s]) => s);
}

/** Events in the order the topic holds them (per partition, which is per-operation order). */
export async function topicEvents(kafka: Kafka, topic: string): Promise<OperationObserved[]> {
  return (await readAll(kafka, topic, 60_000)).flatMap((m) => {
    try {
      const e = JSON.parse(m.value);
      return e.type === "OperationObserved" ? [e as OperationObserved] : [];
    } catch {
      return [];
    }
  });
}
