// The projection as a pure function: a batch of decoded Kafka messages plus the current states of
// the operations they touch → the new states, the history rows and the dead letters. Shared by the
// projector (live and rebuild) and the api (dead-letter retry), hence in core.
import { fastOperationObserved } from "./event-guard.js";
import { alertsFor, DEFAULT_ALERT_RULES, type AlertDraft, type AlertRules } from "./alerts.js";
import { optrailEventSchema, type OptrailEvent } from "./events.js";
import { evolve, type OperationState } from "./operation.js";

export interface SourceMessage {
  topic: string;
  partition: number;
  offset: string;
  value: Buffer | null;
}

export interface HistoryRow {
  eventId: string;
  kind: "operation" | "call" | "lifecycle";
  source: string;
  operationId: string | null;
  callId: string | null;
  tenantId: string | null;
  resourceType: string | null;
  changeType: string | null;
  status: string | null;
  statusBefore: string | null;
  statusAfter: string | null;
  resultCode: number | null;
  resultSubcode: number | null;
  resultMessage: string | null;
  duplicate: boolean;
  conflict: boolean;
  stale: boolean;
  authenticated: boolean;
  requestId: string | null;
  receivedAt: Date;
  projectedAt: Date;
  topic: string;
  partition: number;
  offset: bigint;
  /** The event's JSON exactly as it is on the topic (stored verbatim: the audit keeps what was written). */
  payload: string;
}

export interface DeadLetterRow {
  topic: string;
  partition: number;
  offset: bigint;
  eventId: string | null;
  error: string;
  payload: unknown;
  createdAt: Date;
}

export interface BatchPlan {
  /** Operations whose state changed, in their new state. */
  operations: Map<string, OperationState>;
  history: HistoryRow[];
  deadLetters: DeadLetterRow[];
  /** Alerts raised by the batch's row changes (written to the outbox in the same transaction). */
  alerts: AlertDraft[];
}

/** What differs between the history rows of the event kinds (the rest comes from the event's meta). */
interface RowFields {
  kind: HistoryRow["kind"];
  operationId: string | null;
  callId: string | null;
  resourceType: string | null;
  changeType: string | null;
  status?: string | null | undefined;
  statusBefore?: string | null | undefined;
  statusAfter?: string | null | undefined;
  resultCode?: number | null | undefined;
  resultSubcode?: number | null | undefined;
  resultMessage?: string | null | undefined;
  duplicate?: boolean;
  conflict?: boolean;
  stale?: boolean;
}

type Decoded = { ok: true; event: OptrailEvent; json: string } | { ok: false; error: string; payload: unknown; eventId: string | null };

// A batch is decoded twice (ids to load, then the fold); this cache makes the second time free, and the
// fold drops each entry once used.
const decodedCache = new WeakMap<Buffer, Decoded>();

export function decode(value: Buffer | null): Decoded {
  if (!value) return { ok: false, error: "empty message", payload: null, eventId: null };
  const cached = decodedCache.get(value);
  if (cached) return cached;
  const decoded = decodeFresh(value);
  decodedCache.set(value, decoded);
  return decoded;
}

function decodeFresh(value: Buffer): Decoded {
  let json: unknown;
  const text = value.toString("utf8");
  try {
    json = JSON.parse(text);
  } catch (err) {
    return { ok: false, error: `not JSON: ${(err as Error).message}`, payload: { raw: value.toString("base64") }, eventId: null };
  }
  const fast = fastOperationObserved(json);
  if (fast) return { ok: true, event: fast, json: text };
  const parsed = optrailEventSchema.safeParse(json);
  if (!parsed.success) {
    const eventId = (json as { meta?: { eventId?: unknown } } | null)?.meta?.eventId;
    return {
      ok: false,
      error: `not an optrail event: ${parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ")}`,
      payload: json,
      eventId: typeof eventId === "string" ? eventId : null,
    };
  }
  return { ok: true, event: parsed.data, json: text };
}

/** Ids of the operations a batch touches (to load their current states). */
export function operationIdsOf(messages: SourceMessage[]): string[] {
  const ids = new Set<string>();
  for (const m of messages) {
    const d = decode(m.value);
    if (d.ok && d.event.type === "OperationObserved") ids.add(d.event.data.operationId);
  }
  return [...ids];
}

/**
 * Folds a batch in order. A message that cannot be decoded, or whose fold throws (a poison event),
 * becomes a dead letter; the rest of the batch goes on.
 */
export function planBatch(
  messages: SourceMessage[],
  current: Map<string, OperationState>,
  projectedAt: Date,
  alertRules: AlertRules = DEFAULT_ALERT_RULES,
): BatchPlan {
  const states = new Map(current);
  const operations = new Map<string, OperationState>();
  const history: HistoryRow[] = [];
  const deadLetters: DeadLetterRow[] = [];
  const alerts: AlertDraft[] = [];

  for (const m of messages) {
    const offset = BigInt(m.offset);
    const decoded = decode(m.value);
    // Folded once: the decoded copy need not outlive the batch's plan (a fetch can hold thousands more).
    if (m.value) decodedCache.delete(m.value);
    if (!decoded.ok) {
      deadLetters.push({
        topic: m.topic,
        partition: m.partition,
        offset,
        eventId: decoded.eventId,
        error: decoded.error,
        payload: decoded.payload,
        createdAt: projectedAt,
      });
      continue;
    }
    const event = decoded.event;
    // Every history row has the same shape (one object literal, no spreads): the batch's hot loop.
    const row = (fields: RowFields): HistoryRow => ({
      eventId: event.meta.eventId,
      kind: fields.kind,
      source: event.meta.source,
      operationId: fields.operationId,
      callId: fields.callId,
      tenantId: event.meta.tenantId ?? null,
      resourceType: fields.resourceType,
      changeType: fields.changeType,
      status: fields.status ?? null,
      statusBefore: fields.statusBefore ?? null,
      statusAfter: fields.statusAfter ?? null,
      resultCode: fields.resultCode ?? null,
      resultSubcode: fields.resultSubcode ?? null,
      resultMessage: fields.resultMessage ?? null,
      duplicate: fields.duplicate ?? false,
      conflict: fields.conflict ?? false,
      stale: fields.stale ?? false,
      authenticated: event.meta.authenticated,
      requestId: event.meta.requestId,
      receivedAt: new Date(event.meta.receivedAt),
      projectedAt,
      topic: m.topic,
      partition: m.partition,
      offset,
      payload: decoded.json,
    });
    switch (event.type) {
      case "OperationObserved": {
        let evolution;
        try {
          evolution = evolve(states.get(event.data.operationId), event);
        } catch (err) {
          deadLetters.push({
            topic: m.topic,
            partition: m.partition,
            offset,
            eventId: event.meta.eventId,
            error: `fold failed: ${(err as Error).message}`,
            payload: event,
            createdAt: projectedAt,
          });
          continue;
        }
        const { state, effect } = evolution;
        if (effect.kind !== "duplicate") {
          for (const alert of alertsFor(states.get(state.id), state, alertRules, projectedAt)) alerts.push(alert);
          states.set(state.id, state);
          operations.set(state.id, state);
        }
        history.push(
          row({
            kind: "operation",
            operationId: event.data.operationId,
            callId: event.data.callId,
            resourceType: event.data.operationType,
            changeType: event.data.changeType ?? null,
            status: event.data.status,
            statusBefore: effect.statusBefore,
            statusAfter: effect.statusAfter,
            resultCode: event.data.resultInfo?.code,
            resultSubcode: event.data.resultInfo?.subcode,
            resultMessage: event.data.resultInfo?.message,
            duplicate: effect.kind === "duplicate",
            conflict: effect.kind === "conflict",
            stale: effect.kind === "stale",
          }),
        );
        break;
      }
      case "CallResourceObserved":
        history.push(
          row({
            kind: "call",
            operationId: null,
            callId: event.data.callId ?? null,
            resourceType: event.data.resourceType,
            changeType: event.data.changeType ?? null,
          }),
        );
        break;
      case "SubscriptionLifecycle":
        history.push(
          row({ kind: "lifecycle", operationId: null, callId: null, resourceType: event.data.lifecycleEvent, changeType: null }),
        );
        break;
      default: {
        const never: never = event;
        throw new Error(`unhandled event ${JSON.stringify(never)}`);
      }
    }
  }
  return { operations, history, deadLetters, alerts };
}
