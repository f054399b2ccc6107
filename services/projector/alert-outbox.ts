// The alert outbox: alerts are inserted in the projector's batch transaction, next to the row change
// that raised them. The idempotency key (rule + operation id) makes a second insert a no-op.
import type { AlertDraft } from "../core/index.js";
import type { Tx } from "../platform/db.js";

export async function insertAlerts(tx: Tx, alerts: AlertDraft[]): Promise<number> {
  if (alerts.length === 0) return 0;
  const { count } = await tx.alert.createMany({ data: alerts, skipDuplicates: true });
  return count;
}
