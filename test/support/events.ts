// Builders of optrail events for fold tests.
import { EVENT_VERSION, type OperationObserved } from "../../services/core/index.js";

let seq = 0;

export function opEvent(
  o: { operationId?: string; callId?: string; type?: string; status?: string; at?: string; eventId?: string } & Partial<
    OperationObserved["data"]
  >,
): OperationObserved {
  seq += 1;
  const {
    operationId = "op-1",
    callId = "call-1",
    type = "playPromptOperation",
    status,
    at = new Date(Date.UTC(2026, 0, 1, 0, 0, seq)).toISOString(),
    eventId = `ev-${seq}`,
    ...rest
  } = o;
  return {
    type: "OperationObserved",
    v: EVENT_VERSION,
    meta: { eventId, receivedAt: at, requestId: `req-${seq}`, source: "notification", authenticated: true },
    data: { callId, operationId, operationType: type, ...(status ? { status } : {}), resource: {}, ...rest },
  };
}
