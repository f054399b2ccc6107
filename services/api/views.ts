// How rows are shown: the JSON shapes of the read API. Secrets never reach these (redacted at ingest).
import type { OperationEvent, Operation } from "../platform/generated/prisma/client.js";

/** The columns the view shows (everything but event_ids). */
export type OperationViewRow = Omit<Operation, "eventIds">;

export function operationView(op: OperationViewRow) {
  return {
    id: op.id,
    callId: op.callId,
    tenantId: op.tenantId,
    type: op.type,
    status: op.status,
    outcome: op.outcome,
    clientContext: op.clientContext,
    resultInfo:
      op.resultCode === null && op.resultSubcode === null && op.resultMessage === null
        ? null
        : { code: op.resultCode, subcode: op.resultSubcode, message: op.resultMessage },
    all: op.all,
    completionReason: op.completionReason,
    conflict: op.conflict,
    conflictStatus: op.conflictStatus,
    firstSeenAt: op.firstSeenAt.toISOString(),
    lastSeenAt: op.lastSeenAt.toISOString(),
    lastChangedAt: op.lastChangedAt.toISOString(),
    eventCount: op.eventCount,
    extra: op.extra,
  };
}
export type OperationView = ReturnType<typeof operationView>;

export function historyEventView(e: OperationEvent) {
  return {
    eventId: e.eventId,
    kind: e.kind,
    source: e.source,
    operationId: e.operationId,
    callId: e.callId,
    resourceType: e.resourceType,
    changeType: e.changeType,
    status: e.status,
    statusBefore: e.statusBefore,
    statusAfter: e.statusAfter,
    resultInfo:
      e.resultCode === null && e.resultSubcode === null && e.resultMessage === null
        ? null
        : { code: e.resultCode, subcode: e.resultSubcode, message: e.resultMessage },
    duplicate: e.duplicate,
    conflict: e.conflict,
    stale: e.stale,
    authenticated: e.authenticated,
    requestId: e.requestId,
    receivedAt: e.receivedAt.toISOString(),
    projectedAt: e.projectedAt.toISOString(),
    kafka: { topic: e.topic, partition: e.partition, offset: e.offset.toString() },
  };
}
export type HistoryEventView = ReturnType<typeof historyEventView>;
